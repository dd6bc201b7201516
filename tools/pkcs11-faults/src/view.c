/* view.c — what the application sees of slots, tokens and sessions: labels, removal, token flags. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

/* Every function here runs with fault_lock held.  Calls into the target made
 * from here are short informational ones (C_GetSlotList, C_GetTokenInfo,
 * C_GetSessionInfo, C_Logout); the target never calls back into us, so
 * holding our lock across them cannot deadlock. */

/* ------------------------------------------------------------------------
 * token label -> slot
 * SoftHSM gives a token a new slot id whenever it is initialised, so rules
 * name tokens by label.  The map is rebuilt lazily and forgotten whenever the
 * application enumerates slots, (re)initialises the library or a token.
 * ------------------------------------------------------------------------ */
typedef struct {
  char label[FAULT_LABEL_MAX + 1];
  CK_SLOT_ID slot;
} label_entry;

static label_entry *labels;
static size_t labels_n;
static int labels_known;

void view_forget_labels(void)
{
  free(labels);
  labels = NULL;
  labels_n = 0;
  labels_known = 0;
}

/* CK_TOKEN_INFO.label is 32 bytes padded with blanks, not NUL-terminated. */
static void trim_label(const CK_UTF8CHAR raw[32], char out[FAULT_LABEL_MAX + 1])
{
  size_t n = 32;
  while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\0'))
    n--;
  memcpy(out, raw, n);
  out[n] = '\0';
}

/* Asks the target for all slots with a token.  Returns a malloc'd array. */
static CK_SLOT_ID *target_slots(CK_ULONG *n)
{
  for (int attempt = 0; attempt < 4; attempt++) {
    CK_ULONG count = 0;
    if (fault_target->C_GetSlotList(CK_TRUE, NULL, &count) != CKR_OK)
      return NULL;
    CK_SLOT_ID *list = malloc((count ? count : 1) * sizeof *list);
    if (list == NULL)
      return NULL;
    CK_RV rv = fault_target->C_GetSlotList(CK_TRUE, list, &count);
    if (rv == CKR_OK) {
      *n = count;
      return list;
    }
    free(list);
    if (rv != CKR_BUFFER_TOO_SMALL) /* else a token appeared meanwhile: retry */
      return NULL;
  }
  return NULL;
}

static void learn_labels(void)
{
  view_forget_labels();
  CK_ULONG n = 0;
  CK_SLOT_ID *slots = target_slots(&n);
  if (slots == NULL)
    return; /* e.g. not initialised yet: try again next time */
  labels = calloc(n ? n : 1, sizeof *labels);
  if (labels != NULL) {
    for (CK_ULONG i = 0; i < n; i++) {
      CK_TOKEN_INFO info;
      if (fault_target->C_GetTokenInfo(slots[i], &info) != CKR_OK)
        continue;
      trim_label(info.label, labels[labels_n].label);
      labels[labels_n++].slot = slots[i];
    }
    labels_known = 1;
  }
  free(slots);
}

int view_slot_of_label(const char *label, CK_SLOT_ID *slot)
{
  if (!labels_known)
    learn_labels();
  for (size_t i = 0; i < labels_n; i++) {
    if (strcmp(labels[i].label, label) == 0) {
      *slot = labels[i].slot;
      return 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * Removal.  A slot is empty while a `remove token=<label>` rule names the
 * token in it.  Slots that ever lost their token keep CKF_REMOVABLE_DEVICE
 * (SoftHSM runs with slots.removable = false; a slot whose token can
 * disappear is a removable device).
 * ------------------------------------------------------------------------ */
static CK_SLOT_ID removable_slots[64];
static size_t removable_n;

static void remember_removable(CK_SLOT_ID slot)
{
  for (size_t i = 0; i < removable_n; i++)
    if (removable_slots[i] == slot)
      return;
  if (removable_n < sizeof removable_slots / sizeof removable_slots[0])
    removable_slots[removable_n++] = slot;
}

static int ever_removable(CK_SLOT_ID slot)
{
  for (size_t i = 0; i < removable_n; i++)
    if (removable_slots[i] == slot)
      return 1;
  return 0;
}

int view_slot_removed(CK_SLOT_ID slot)
{
  for (size_t i = 0; i < fault_rules.n; i++) {
    const rule *r = &fault_rules.rules[i];
    CK_SLOT_ID s;
    if (r->kind == RULE_REMOVE && view_slot_of_label(r->token, &s) && s == slot) {
      remember_removable(slot);
      return 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * Sessions.  We remember the slot of every session, and whether it was open
 * when its token went away: such a session is dead for good, as with a real
 * card (PKCS#11 v2.40 §5.6: removing a token closes its sessions).  The
 * target's session stays open until the application calls C_CloseSession,
 * so a new session cannot reuse a dead handle behind the application's back.
 * ------------------------------------------------------------------------ */
typedef struct {
  CK_SESSION_HANDLE handle;
  CK_SLOT_ID slot;
  int dead;
} session_entry;

static session_entry *sessions;
static size_t sessions_n, sessions_cap;

/* SCWS_FAULT_STATS=<dir>: the number of sessions this process holds open at
 * the target, in <dir>/<pid>.sessions, rewritten (atomically) whenever it
 * changes, so that a test can see a session leak in any process. */
static void publish_sessions(void)
{
  static int read_env;
  static const char *dir;
  if (!read_env) {
    dir = getenv("SCWS_FAULT_STATS");
    read_env = 1;
  }
  if (dir == NULL || dir[0] == '\0')
    return;
  char path[4096], tmp[4096 + 16];
  snprintf(path, sizeof path, "%s/%ld.sessions", dir, (long)getpid());
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (f == NULL)
    return;
  fprintf(f, "%zu\n", sessions_n);
  if (fclose(f) == 0)
    (void)rename(tmp, path);
}

static session_entry *find_session(CK_SESSION_HANDLE h)
{
  for (size_t i = 0; i < sessions_n; i++)
    if (sessions[i].handle == h)
      return &sessions[i];
  return NULL;
}

static session_entry *add_session(CK_SESSION_HANDLE h, CK_SLOT_ID slot)
{
  session_entry *e = find_session(h);
  if (e == NULL) {
    if (sessions_n == sessions_cap) {
      size_t cap = sessions_cap ? sessions_cap * 2 : 16;
      session_entry *grown = realloc(sessions, cap * sizeof *grown);
      if (grown == NULL)
        return NULL;
      sessions = grown;
      sessions_cap = cap;
    }
    e = &sessions[sessions_n++];
  }
  e->handle = h;
  e->slot = slot;
  e->dead = 0;
  return e;
}

/* The slot of a session: from our table, else from the target (cached). */
static session_entry *lookup_session(CK_SESSION_HANDLE h)
{
  session_entry *e = find_session(h);
  if (e != NULL)
    return e;
  CK_SESSION_INFO info;
  if (fault_target->C_GetSessionInfo(h, &info) != CKR_OK)
    return NULL;
  return add_session(h, info.slotID);
}

int view_session_slot(CK_SESSION_HANDLE h, CK_SLOT_ID *slot)
{
  session_entry *e = lookup_session(h);
  if (e == NULL)
    return 0;
  *slot = e->slot;
  return 1;
}

/* Kills the live sessions of a removed slot.  The target's login state for
 * the token is dropped too (C_Logout through one of them), since pulling a
 * card logs the application out: after reinsertion it must log in again. */
static void kill_sessions(CK_SLOT_ID slot)
{
  CK_SESSION_HANDLE any = 0;
  int killed = 0;
  for (size_t i = 0; i < sessions_n; i++) {
    if (sessions[i].slot == slot && !sessions[i].dead) {
      sessions[i].dead = 1;
      any = sessions[i].handle;
      killed = 1;
    }
  }
  if (killed)
    (void)fault_target->C_Logout(any); /* CKR_USER_NOT_LOGGED_IN is fine */
}

void view_apply_removals(void)
{
  if (fault_target == NULL)
    return;
  for (size_t i = 0; i < fault_rules.n; i++) {
    const rule *r = &fault_rules.rules[i];
    CK_SLOT_ID s;
    if (r->kind == RULE_REMOVE && view_slot_of_label(r->token, &s)) {
      remember_removable(s);
      kill_sessions(s);
    }
  }
}

CK_RV view_session_state(CK_SESSION_HANDLE h)
{
  session_entry *e = lookup_session(h);
  if (e == NULL)
    return CKR_OK; /* unknown to the target too: let it answer */
  if (view_slot_removed(e->slot)) {
    kill_sessions(e->slot);
    return CKR_DEVICE_REMOVED;
  }
  /* Token back, but this session belonged to the removed one. */
  return e->dead ? CKR_SESSION_HANDLE_INVALID : CKR_OK;
}

void view_session_opened(CK_SLOT_ID slot, CK_SESSION_HANDLE h)
{
  (void)add_session(h, slot);
  publish_sessions();
}

void view_session_closed(CK_SESSION_HANDLE h)
{
  session_entry *e = find_session(h);
  if (e != NULL)
    *e = sessions[--sessions_n];
  publish_sessions();
}

void view_slot_sessions_closed(CK_SLOT_ID slot)
{
  for (size_t i = 0; i < sessions_n;) {
    if (sessions[i].slot == slot)
      sessions[i] = sessions[--sessions_n];
    else
      i++;
  }
  publish_sessions();
}

/* C_Initialize / C_Finalize: no session survives, slot ids may change. */
void view_reset(void)
{
  sessions_n = 0;
  view_forget_labels();
  publish_sessions();
}

/* ------------------------------------------------------------------------
 * C_GetSlotList / C_GetSlotInfo / C_GetTokenInfo answers.
 * ------------------------------------------------------------------------ */
static int any_removal(void)
{
  for (size_t i = 0; i < fault_rules.n; i++)
    if (fault_rules.rules[i].kind == RULE_REMOVE)
      return 1;
  return 0;
}

/* C_GetSlotList with tokenPresent = CK_TRUE leaves out the slots whose token
 * was removed; with CK_FALSE they stay (an empty slot is still a slot).
 * Follows the PKCS#11 §5.2 two-call convention for the caller's buffer. */
CK_RV view_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
  view_forget_labels(); /* the application is rescanning: so do we */
  if (!present || !any_removal())
    return fault_target->C_GetSlotList(present, list, count);
  if (count == NULL)
    return CKR_ARGUMENTS_BAD;

  CK_ULONG n = 0;
  CK_SLOT_ID *all = target_slots(&n);
  if (all == NULL)
    return fault_target->C_GetSlotList(present, list, count); /* let it explain */
  CK_ULONG kept = 0;
  for (CK_ULONG i = 0; i < n; i++)
    if (!view_slot_removed(all[i]))
      all[kept++] = all[i];

  CK_RV rv = CKR_OK;
  if (list != NULL) {
    if (*count < kept)
      rv = CKR_BUFFER_TOO_SMALL;
    else
      memcpy(list, all, kept * sizeof *list);
  }
  *count = kept;
  free(all);
  return rv;
}

void view_adjust_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
  if (view_slot_removed(slot))
    info->flags &= ~CKF_TOKEN_PRESENT;
  if (ever_removable(slot))
    info->flags |= CKF_REMOVABLE_DEVICE;
}

void view_adjust_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
  /* lock-after owns the PIN state flags of its user type: SoftHSM's own
   * CKF_USER_PIN_COUNT_LOW would otherwise survive a right PIN. */
  CK_FLAGS mask = 0;
  CK_FLAGS pin = pin_token_flags(slot, &mask);
  info->flags = (info->flags & ~mask) | pin;

  for (size_t i = 0; i < fault_rules.n; i++) {
    const rule *r = &fault_rules.rules[i];
    CK_SLOT_ID s;
    if (r->kind == RULE_FLAGS && view_slot_of_label(r->token, &s) && s == slot)
      info->flags |= r->flags;
    if (r->kind == RULE_PIN_PAD && view_slot_of_label(r->token, &s) && s == slot)
      info->flags |= CKF_PROTECTED_AUTHENTICATION_PATH;
  }
}
