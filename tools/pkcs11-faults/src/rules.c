/* rules.c — decides what a call does (delay, fail, crash, hang, PIN lock) and keeps the rules' counters. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;

void fault_lock(void) { pthread_mutex_lock(&big_lock); }
void fault_unlock(void) { pthread_mutex_unlock(&big_lock); }

ruleset fault_rules;

/* Replaces the rule set.  A rule whose canonical line was already loaded
 * keeps its counters (calls seen, wrong PINs, locked): tests rewrite the
 * whole file on every change, and `count=1` must not re-arm because an
 * unrelated line was added.  Duplicated lines are matched in order. */
void rules_install(ruleset *fresh)
{
  size_t old_n = fault_rules.n;
  char *taken = old_n ? calloc(old_n, 1) : NULL;
  for (size_t i = 0; i < fresh->n && (taken != NULL || old_n == 0); i++) {
    rule *r = &fresh->rules[i];
    for (size_t j = 0; j < old_n; j++) {
      rule *o = &fault_rules.rules[j];
      if (!taken[j] && strcmp(o->text, r->text) == 0) {
        taken[j] = 1;
        r->seen = o->seen;
        r->wrong = o->wrong;
        r->locked = o->locked;
        break;
      }
    }
  }
  free(taken);
  ruleset_free(&fault_rules);
  fault_rules = *fresh;
  fresh->rules = NULL;
  fresh->n = 0;
}

fault_call fault_call_none(int fn)
{
  fault_call c = { fn, CTX_NONE, 0, 0, 0 };
  return c;
}

fault_call fault_call_slot(int fn, CK_SLOT_ID slot)
{
  fault_call c = { fn, CTX_SLOT, slot, 1, 0 };
  return c;
}

fault_call fault_call_session(int fn, CK_SESSION_HANDLE session)
{
  fault_call c = { fn, CTX_SESSION, 0, 0, session };
  return c;
}

/* Does rule r concern the token of this call?  A rule without token=
 * concerns every call; a rule with one never matches calls that do not
 * name a slot or session (C_Initialize, C_GetSlotList, ...).  Lock held. */
static int on_token(const rule *r, const fault_call *c)
{
  if (!r->has_token)
    return 1;
  if (!c->has_slot)
    return 0;
  CK_SLOT_ID slot;
  return view_slot_of_label(r->token, &slot) && slot == c->slot;
}

/* Slot calls that need a token in the slot: PKCS#11 returns
 * CKR_TOKEN_NOT_PRESENT for them when the slot is empty.  C_GetSlotInfo is
 * answered (without CKF_TOKEN_PRESENT) and C_CloseAllSessions still works so
 * that applications can clean up. */
static int needs_token(int fn)
{
  return fn == FN_C_GetTokenInfo || fn == FN_C_GetMechanismList || fn == FN_C_GetMechanismInfo ||
         fn == FN_C_InitToken || fn == FN_C_OpenSession;
}

static void sleep_ms(unsigned long ms)
{
  struct timespec left = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
  while (nanosleep(&left, &left) != 0)
    ; /* EINTR: keep sleeping for the remainder */
}

static void crash_now(crash_kind kind)
{
  switch (kind) {
  case CRASH_EXIT:
    _exit(70); /* EX_SOFTWARE, without atexit handlers: a driver calling exit() */
  case CRASH_ABORT:
    abort();
  case CRASH_SEGV:
  default: {
    /* Node installs a SIGSEGV handler (V8's WebAssembly trap handler) and
     * libuv worker threads may block signals; restore the default action
     * and unblock it, so the process dies of SIGSEGV like with a buggy driver. */
    signal(SIGSEGV, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGSEGV);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    volatile int *volatile nowhere = NULL;
    *nowhere = 1;
    raise(SIGSEGV); /* in case page 0 is mapped */
    abort();
  }
  }
}

static void hang_forever(void)
{
  for (;;)
    sleep(60);
}

int fault_enter(fault_call *c, CK_RV *rv)
{
  if (fault_target == NULL && c->fn != FN_C_GetFunctionList) {
    /* The target could not be loaded (reported once on stderr).  Per the
     * brief, C_Initialize reports it; everything else behaves as an
     * uninitialised library would. */
    *rv = c->fn == FN_C_Initialize ? CKR_GENERAL_ERROR : CKR_CRYPTOKI_NOT_INITIALIZED;
    return 1;
  }

  control_refresh();

  unsigned long delay = 0;
  int act = 0;
  rule_kind act_kind = RULE_FAIL;
  CK_RV act_code = CKR_OK;
  crash_kind act_crash = CRASH_SEGV;
  CK_RV removed = CKR_OK;

  fault_lock();
  if (c->ctx == CTX_SESSION && fault_target != NULL)
    c->has_slot = view_session_slot(c->session, &c->slot);

  for (size_t i = 0; i < fault_rules.n; i++) {
    rule *r = &fault_rules.rules[i];
    if (r->kind == RULE_DELAY) {
      /* Every matching delay adds up, whatever its position. */
      if ((r->fn == -1 || r->fn == c->fn) && on_token(r, c))
        delay += r->ms;
      continue;
    }
    if (act || (r->kind != RULE_FAIL && r->kind != RULE_CRASH && r->kind != RULE_HANG))
      continue;
    if (r->fn != c->fn || !on_token(r, c))
      continue;
    /* First matching fail/crash/hang in file order decides; it counts the
     * call even when after= makes it let the call through. */
    r->seen++;
    int fires = 1;
    if (r->kind == RULE_FAIL || r->kind == RULE_CRASH)
      fires = r->seen > r->after;
    if (r->kind == RULE_FAIL && r->count != 0)
      fires = fires && r->seen - r->after <= r->count;
    if (fires) {
      act = 1;
      act_kind = r->kind;
      act_code = r->code;
      act_crash = r->crash;
    }
  }

  if (fault_target != NULL) {
    if (c->ctx == CTX_SESSION && c->fn != FN_C_CloseSession)
      removed = view_session_state(c->session);
    else if (c->ctx == CTX_SLOT && needs_token(c->fn) && view_slot_removed(c->slot))
      removed = CKR_TOKEN_NOT_PRESENT;
  }
  fault_unlock();

  if (delay > 0)
    sleep_ms(delay);
  if (act) {
    switch (act_kind) {
    case RULE_CRASH:
      crash_now(act_crash);
      break;
    case RULE_HANG:
      hang_forever();
      break;
    default:
      *rv = act_code;
      return 1;
    }
  }
  if (removed != CKR_OK) {
    *rv = removed;
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * lock-after: a PIN retry counter like a card's.  SoftHSM never locks a PIN,
 * so the counter lives here.  CKU_CONTEXT_SPECIFIC re-enters the user PIN
 * (PKCS#11 v2.40 §5.5), so it counts as a user login.
 * ------------------------------------------------------------------------ */
static int lock_applies(const rule *r, const fault_call *c, CK_USER_TYPE user)
{
  return r->kind == RULE_LOCK_AFTER && (r->so ? user == CKU_SO : user != CKU_SO) && on_token(r, c);
}

int pin_is_locked(const fault_call *c, CK_USER_TYPE user)
{
  int locked = 0;
  fault_lock();
  for (size_t i = 0; i < fault_rules.n && !locked; i++)
    locked = lock_applies(&fault_rules.rules[i], c, user) && fault_rules.rules[i].locked;
  fault_unlock();
  return locked;
}

void pin_account(const fault_call *c, CK_USER_TYPE user, CK_RV rv)
{
  fault_lock();
  for (size_t i = 0; i < fault_rules.n; i++) {
    rule *r = &fault_rules.rules[i];
    if (!lock_applies(r, c, user))
      continue;
    if (rv == CKR_PIN_INCORRECT) {
      if (++r->wrong >= r->limit)
        r->locked = 1;
    } else if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
      r->wrong = 0; /* a right PIN resets the retry counter */
    }
  }
  fault_unlock();
}

/* C_InitPIN: the SO sets a new user PIN, which unblocks it on a real card. */
void pin_unlock_user(const fault_call *c)
{
  fault_lock();
  for (size_t i = 0; i < fault_rules.n; i++) {
    rule *r = &fault_rules.rules[i];
    if (lock_applies(r, c, CKU_USER)) {
      r->wrong = 0;
      r->locked = 0;
    }
  }
  fault_unlock();
}

/* pin-pad: a reader with its own PIN pad.  A login without a PIN (pPin NULL,
 * PKCS#11 v3.1 section 5.6: the PIN comes from the protected authentication
 * path) gets the rule's PIN, as if the user typed it on the pad, or
 * CKR_FUNCTION_CANCELED when the rule says the user cancels. */
int pin_pad_entry(const fault_call *c, char pin[FAULT_PIN_MAX + 1], int *cancelled)
{
  int found = 0;
  fault_lock();
  for (size_t i = 0; i < fault_rules.n && !found; i++) {
    const rule *r = &fault_rules.rules[i];
    if (r->kind != RULE_PIN_PAD || !on_token(r, c))
      continue;
    found = 1;
    *cancelled = r->cancel;
    memcpy(pin, r->pin, sizeof r->pin);
  }
  fault_unlock();
  return found;
}

/* Token flags for the lock-after rules on a slot (view.c calls it with the
 * lock held).  Returns the PIN flags the rules own through *mask. */
CK_FLAGS pin_token_flags(CK_SLOT_ID slot, CK_FLAGS *mask)
{
  fault_call c = fault_call_slot(FN_C_GetTokenInfo, slot);
  CK_FLAGS flags = 0;
  *mask = 0;
  for (size_t i = 0; i < fault_rules.n; i++) {
    rule *r = &fault_rules.rules[i];
    if (!lock_applies(r, &c, r->so ? CKU_SO : CKU_USER))
      continue;
    CK_FLAGS low = r->so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
    CK_FLAGS final = r->so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
    CK_FLAGS locked = r->so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
    *mask |= low | final | locked;
    if (r->locked)
      flags |= locked;
    else {
      if (r->wrong > 0)
        flags |= low;
      if (r->limit - r->wrong == 1)
        flags |= final;
    }
  }
  return flags;
}
