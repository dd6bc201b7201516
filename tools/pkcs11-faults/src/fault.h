/* fault.h — declarations shared by the parts of the fault-injecting PKCS#11 module. */
#ifndef SCWS_FAULT_H
#define SCWS_FAULT_H

#include <stddef.h>

/* pkcs11.h (from pkcs11js) defines CK_PTR, CK_DEFINE_FUNCTION, ... itself for
 * non-Windows builds, with the platform's natural structure packing, which is
 * what SoftHSM and OpenSC use on Linux. */
#include "pkcs11.h"

/* ------------------------------------------------------------------------
 * Function identities.  The list is produced from pkcs11f.h itself, in
 * CK_FUNCTION_LIST order, so it cannot drift from the header.
 * ------------------------------------------------------------------------ */
enum fault_fn {
#define CK_PKCS11_FUNCTION_INFO(name) FN_##name,
#include "pkcs11f.h"
#undef CK_PKCS11_FUNCTION_INFO
  FN_COUNT
};

/* names.c */
extern const char *const fault_fn_names[FN_COUNT];
int fault_fn_lookup(const char *name);                 /* FN_x, or -1 */
int fault_ckr_lookup(const char *name, CK_RV *value);  /* CKR_x, 0xHEX or decimal */

/* ------------------------------------------------------------------------
 * The target module (forward.c).  NULL when it could not be loaded.
 * ------------------------------------------------------------------------ */
extern CK_FUNCTION_LIST_PTR fault_target;

/* One big lock protects the rules, their counters and the slot/session view.
 * It is never held while the target runs a caller's request, while sleeping
 * for `delay`, or while hanging, so concurrent calls stay concurrent. */
void fault_lock(void);
void fault_unlock(void);

/* ------------------------------------------------------------------------
 * Rules (control.c parses them, rules.c evaluates them).
 * ------------------------------------------------------------------------ */
#define FAULT_LABEL_MAX 32 /* CK_TOKEN_INFO.label is 32 bytes, blank padded */
#define FAULT_PIN_MAX 64   /* pin-pad: the longest PIN a rule may type */

typedef enum {
  RULE_FAIL,
  RULE_DELAY,
  RULE_CRASH,
  RULE_HANG,
  RULE_REMOVE,
  RULE_FLAGS,
  RULE_LOCK_AFTER,
  RULE_PIN_PAD
} rule_kind;

typedef enum { CRASH_SEGV, CRASH_ABORT, CRASH_EXIT } crash_kind;

typedef struct rule {
  rule_kind kind;
  char *text;           /* canonical line: identity of the rule across reloads */
  int fn;               /* FN_x; -1 means "*" (delay only) */
  int has_token;
  char token[FAULT_LABEL_MAX + 1];
  CK_RV code;           /* fail */
  unsigned long count;  /* fail: 0 = unlimited */
  unsigned long after;  /* fail, crash */
  unsigned long ms;     /* delay */
  crash_kind crash;     /* crash */
  CK_FLAGS flags;       /* flags */
  unsigned long limit;  /* lock-after: wrong PINs in a row before locking */
  int so;               /* lock-after: counts CKU_SO logins instead of CKU_USER */
  char pin[FAULT_PIN_MAX + 1]; /* pin-pad: what the user types on the pad */
  int cancel;           /* pin-pad: the user cancels on the pad instead */

  /* State, carried over when a reload keeps the same line. */
  unsigned long seen;   /* matching calls so far (fail, crash) */
  unsigned long wrong;  /* consecutive CKR_PIN_INCORRECT (lock-after) */
  int locked;           /* lock-after reached */
} rule;

typedef struct ruleset {
  rule *rules;
  size_t n;
} ruleset;

/* control.c */
void control_init(const char *path);       /* NULL: pass-through forever */
void control_refresh(void);                /* stat() the file, reload if changed */
int control_parse(const char *text, size_t len, ruleset *out);
void ruleset_free(ruleset *rs);

/* rules.c: the current rule set, owned under fault_lock. */
extern ruleset fault_rules;
void rules_install(ruleset *fresh); /* carries state over, takes ownership */

/* ------------------------------------------------------------------------
 * A call as seen by the rules: which function, and which slot it concerns.
 * ------------------------------------------------------------------------ */
typedef enum { CTX_NONE, CTX_SLOT, CTX_SESSION } ctx_kind;

typedef struct fault_call {
  int fn;
  ctx_kind ctx;
  CK_SLOT_ID slot;            /* CTX_SLOT, or resolved for CTX_SESSION */
  int has_slot;
  CK_SESSION_HANDLE session;  /* CTX_SESSION */
} fault_call;

fault_call fault_call_none(int fn);
fault_call fault_call_slot(int fn, CK_SLOT_ID slot);
fault_call fault_call_session(int fn, CK_SESSION_HANDLE session);

/* Runs control refresh, delays, fail/crash/hang rules and the removal view.
 * Returns 1 when the call must NOT be forwarded; *rv is then the result. */
int fault_enter(fault_call *call, CK_RV *rv);

/* lock-after (rules.c); these take fault_lock themselves */
int pin_is_locked(const fault_call *call, CK_USER_TYPE user);
void pin_account(const fault_call *call, CK_USER_TYPE user, CK_RV rv);
void pin_unlock_user(const fault_call *call);
CK_FLAGS pin_token_flags(CK_SLOT_ID slot, CK_FLAGS *mask); /* lock held */
/* pin-pad: for a login without a PIN on a token with a PIN pad rule, copies
 * what the pad "reads" into pin (NUL-terminated) and returns 1, or returns 1
 * with *cancelled set; returns 0 when no pin-pad rule applies. */
int pin_pad_entry(const fault_call *call, char pin[FAULT_PIN_MAX + 1], int *cancelled);

/* ------------------------------------------------------------------------
 * Slot / token / session view (view.c).  All functions expect fault_lock held.
 * ------------------------------------------------------------------------ */
int view_slot_of_label(const char *label, CK_SLOT_ID *slot);
void view_forget_labels(void);
int view_session_slot(CK_SESSION_HANDLE h, CK_SLOT_ID *slot);
int view_slot_removed(CK_SLOT_ID slot);
void view_apply_removals(void);
CK_RV view_session_state(CK_SESSION_HANDLE h);
void view_session_opened(CK_SLOT_ID slot, CK_SESSION_HANDLE h);
void view_session_closed(CK_SESSION_HANDLE h);
void view_slot_sessions_closed(CK_SLOT_ID slot);
void view_reset(void);
CK_RV view_slot_list(CK_BBOOL present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
void view_adjust_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info);
void view_adjust_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info);

#endif
