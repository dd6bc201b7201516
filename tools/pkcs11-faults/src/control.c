/* control.c — watches the control file named by SCWS_FAULT_CONTROL and parses it into rules. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault.h"

#define CONTROL_MAX_BYTES (1024 * 1024)
#define LINE_MAX_TOKENS 32

static char *control_path; /* NULL: no control file, pure pass-through */

/* Identity of the file version the current rules came from.  Tests replace
 * the file atomically (write a temp file, rename it over), so the inode
 * changes on every write; size and nanosecond timestamps catch in-place
 * edits.  All fields are compared, any difference triggers a reload. */
static enum { FILE_UNKNOWN, FILE_MISSING, FILE_PRESENT } file_state = FILE_UNKNOWN;
static struct stat file_seen;

void control_init(const char *path)
{
  if (path != NULL && path[0] != '\0')
    control_path = strdup(path);
}

static int same_version(const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Reads the whole file from an open descriptor; returns malloc'd text. */
static char *read_all(int fd, size_t *len)
{
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  if (buf == NULL)
    return NULL;
  for (;;) {
    if (n == cap) {
      if (cap >= CONTROL_MAX_BYTES)
        break; /* a control file is a handful of lines; ignore the rest */
      char *bigger = realloc(buf, cap * 2);
      if (bigger == NULL)
        break;
      buf = bigger;
      cap *= 2;
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    n += (size_t)got;
  }
  *len = n;
  return buf;
}

void control_refresh(void)
{
  if (control_path == NULL)
    return;

  /* The cheap check runs on every wrapped call, outside the lock. */
  struct stat st;
  int present = stat(control_path, &st) == 0;

  fault_lock();
  if (!present) {
    if (file_state != FILE_MISSING) {
      ruleset empty = { NULL, 0 };
      rules_install(&empty); /* a deleted control file means pass-through */
      file_state = FILE_MISSING;
    }
    fault_unlock();
    return;
  }
  if (file_state == FILE_PRESENT && same_version(&st, &file_seen)) {
    fault_unlock();
    return;
  }

  /* Identity comes from fstat() of the descriptor we read, not from the
   * stat() above: a rename may land between the two. */
  int fd = open(control_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fault_unlock();
    return; /* replaced or removed in between; the next call retries */
  }
  struct stat opened;
  size_t len = 0;
  char *text = NULL;
  if (fstat(fd, &opened) == 0)
    text = read_all(fd, &len);
  close(fd);
  if (text != NULL) {
    ruleset fresh = { NULL, 0 };
    control_parse(text, len, &fresh);
    free(text);
    rules_install(&fresh);
    file_seen = opened;
    file_state = FILE_PRESENT;
    /* A token named by a new `remove` line kills the sessions open on it. */
    view_apply_removals();
  }
  fault_unlock();
}

/* ------------------------------------------------------------------------
 * Parser
 * ------------------------------------------------------------------------ */

/* Lines already complained about, so a file re-read on every change does
 * not repeat the same message (guarded by fault_lock like the parser). */
static char *reported[128];
static size_t reported_n;

static void report(unsigned line_no, const char *why, const char *line)
{
  for (size_t i = 0; i < reported_n; i++)
    if (strcmp(reported[i], line) == 0)
      return;
  if (reported_n < sizeof reported / sizeof reported[0]) {
    char *copy = strdup(line);
    if (copy != NULL)
      reported[reported_n++] = copy;
  }
  fprintf(stderr, "scwsfault: %s:%u: ignored (%s): %s\n", control_path ? control_path : "control",
          line_no, why, line);
}

/* Splits a line into words.  Double quotes group blanks into one word (for
 * token labels with spaces); a word starting with '#' starts a comment. */
static size_t tokenize(char *line, char *words[LINE_MAX_TOKENS])
{
  size_t n = 0;
  char *in = line;
  for (;;) {
    while (*in == ' ' || *in == '\t')
      in++;
    if (*in == '\0' || *in == '#')
      return n;
    if (n == LINE_MAX_TOKENS)
      return n + 1; /* too many: caller rejects the line */
    char *out = in;
    words[n++] = out;
    int quoted = 0;
    while (*in != '\0' && (quoted || (*in != ' ' && *in != '\t'))) {
      if (*in == '"')
        quoted = !quoted;
      else
        *out++ = *in;
      in++;
    }
    int at_end = *in == '\0';
    *out = '\0';
    if (at_end)
      return n;
    in++;
  }
}

static int parse_ulong(const char *s, unsigned long *v)
{
  if (*s < '0' || *s > '9')
    return 0;
  char *end = NULL;
  errno = 0;
  unsigned long x = strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return 0;
  *v = x;
  return 1;
}

static const struct {
  const char *name;
  CK_FLAGS flag;
} flag_names[] = {
  { "user_pin_count_low", CKF_USER_PIN_COUNT_LOW },
  { "user_pin_final_try", CKF_USER_PIN_FINAL_TRY },
  { "user_pin_locked", CKF_USER_PIN_LOCKED },
  { "user_pin_to_be_changed", CKF_USER_PIN_TO_BE_CHANGED },
  { "so_pin_count_low", CKF_SO_PIN_COUNT_LOW },
  { "so_pin_final_try", CKF_SO_PIN_FINAL_TRY },
  { "so_pin_locked", CKF_SO_PIN_LOCKED },
  { "so_pin_to_be_changed", CKF_SO_PIN_TO_BE_CHANGED },
};

/* Parses one tokenized line into *r.  Returns NULL or the reason it is invalid. */
static const char *parse_rule(char **w, size_t n, rule *r)
{
  const char *verb = w[0];
  const char *pos[LINE_MAX_TOKENS];
  size_t npos = 0;
  int has_count = 0, has_after = 0;

  /* key=value options may appear anywhere after the verb. */
  for (size_t i = 1; i < n; i++) {
    char *eq = strchr(w[i], '=');
    if (eq == NULL) {
      pos[npos++] = w[i];
      continue;
    }
    size_t klen = (size_t)(eq - w[i]);
    const char *val = eq + 1;
    if (klen == 5 && strncmp(w[i], "token", 5) == 0) {
      size_t vlen = strlen(val);
      if (vlen == 0 || vlen > FAULT_LABEL_MAX)
        return "token label must be 1 to 32 bytes";
      memcpy(r->token, val, vlen + 1);
      r->has_token = 1;
    } else if (klen == 5 && strncmp(w[i], "count", 5) == 0) {
      if (!parse_ulong(val, &r->count) || r->count == 0)
        return "count= needs a positive number";
      has_count = 1;
    } else if (klen == 5 && strncmp(w[i], "after", 5) == 0) {
      if (!parse_ulong(val, &r->after))
        return "after= needs a number";
      has_after = 1;
    } else if (klen == 3 && strncmp(w[i], "pin", 3) == 0) {
      size_t vlen = strlen(val);
      if (vlen == 0 || vlen > FAULT_PIN_MAX)
        return "pin= must be 1 to 64 bytes";
      memcpy(r->pin, val, vlen + 1);
    } else if (klen == 2 && strncmp(w[i], "id", 2) == 0) {
      /* Only part of the rule's identity: a new id gives fresh counters. */
    } else {
      return "unknown option";
    }
  }

  if (strcmp(verb, "fail") == 0) {
    r->kind = RULE_FAIL;
    if (npos != 2)
      return "usage: fail <C_Function> <CKR_NAME|0xHEX>";
    if ((r->fn = fault_fn_lookup(pos[0])) < 0)
      return "unknown PKCS#11 function";
    if (!fault_ckr_lookup(pos[1], &r->code))
      return "unknown return value";
    return NULL;
  }
  if (has_count)
    return "count= only applies to fail";

  if (strcmp(verb, "crash") == 0) {
    r->kind = RULE_CRASH;
    if (npos != 2)
      return "usage: crash <C_Function> <segv|abort|exit>";
    if ((r->fn = fault_fn_lookup(pos[0])) < 0)
      return "unknown PKCS#11 function";
    if (strcmp(pos[1], "segv") == 0)
      r->crash = CRASH_SEGV;
    else if (strcmp(pos[1], "abort") == 0)
      r->crash = CRASH_ABORT;
    else if (strcmp(pos[1], "exit") == 0)
      r->crash = CRASH_EXIT;
    else
      return "crash kind must be segv, abort or exit";
    return NULL;
  }
  if (has_after)
    return "after= only applies to fail and crash";

  if (strcmp(verb, "delay") == 0) {
    r->kind = RULE_DELAY;
    if (npos != 2)
      return "usage: delay <C_Function|*> <milliseconds>";
    if (strcmp(pos[0], "*") == 0)
      r->fn = -1;
    else if ((r->fn = fault_fn_lookup(pos[0])) < 0)
      return "unknown PKCS#11 function";
    if (!parse_ulong(pos[1], &r->ms))
      return "delay needs milliseconds";
    return NULL;
  }
  if (strcmp(verb, "hang") == 0) {
    r->kind = RULE_HANG;
    if (npos != 1)
      return "usage: hang <C_Function>";
    if ((r->fn = fault_fn_lookup(pos[0])) < 0)
      return "unknown PKCS#11 function";
    return NULL;
  }

  /* The remaining instructions describe a token, so they need one. */
  r->fn = -1;
  if (strcmp(verb, "remove") == 0) {
    r->kind = RULE_REMOVE;
    if (npos != 0 || !r->has_token)
      return "usage: remove token=<label>";
    return NULL;
  }
  if (strcmp(verb, "flags") == 0) {
    r->kind = RULE_FLAGS;
    if (npos == 0 || !r->has_token)
      return "usage: flags token=<label> <flag>...";
    for (size_t i = 0; i < npos; i++) {
      size_t f = 0;
      while (f < sizeof flag_names / sizeof flag_names[0] && strcmp(flag_names[f].name, pos[i]) != 0)
        f++;
      if (f == sizeof flag_names / sizeof flag_names[0])
        return "unknown flag";
      r->flags |= flag_names[f].flag;
    }
    return NULL;
  }
  if (strcmp(verb, "lock-after") == 0) {
    r->kind = RULE_LOCK_AFTER;
    if (!r->has_token || npos < 1 || npos > 2 || (npos == 2 && strcmp(pos[1], "so") != 0))
      return "usage: lock-after token=<label> <n> [so]";
    if (!parse_ulong(pos[0], &r->limit) || r->limit == 0)
      return "lock-after needs a positive number";
    r->so = npos == 2;
    return NULL;
  }
  if (strcmp(verb, "pin-pad") == 0) {
    r->kind = RULE_PIN_PAD;
    r->cancel = npos == 1 && strcmp(pos[0], "cancel") == 0;
    if (!r->has_token || (npos != 0 && !r->cancel) || (r->cancel == (r->pin[0] != '\0')))
      return "usage: pin-pad token=<label> pin=<pin> | pin-pad token=<label> cancel";
    return NULL;
  }
  return "unknown instruction";
}

/* Canonical text of a rule: its words joined by single blanks, so that
 * re-indenting a line does not reset its counters but any real change does. */
static char *canonical(char **w, size_t n)
{
  size_t len = 1;
  for (size_t i = 0; i < n; i++)
    len += strlen(w[i]) + 1;
  char *s = malloc(len);
  if (s == NULL)
    return NULL;
  s[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      strcat(s, " ");
    strcat(s, w[i]);
  }
  return s;
}

void ruleset_free(ruleset *rs)
{
  for (size_t i = 0; i < rs->n; i++)
    free(rs->rules[i].text);
  free(rs->rules);
  rs->rules = NULL;
  rs->n = 0;
}

/* Parses the whole file.  Invalid lines are reported once and skipped;
 * `reset` discards every rule above it.  Returns the number of bad lines. */
int control_parse(const char *text, size_t len, ruleset *out)
{
  int bad = 0;
  unsigned line_no = 0;
  size_t start = 0;
  while (start < len) {
    size_t end = start;
    while (end < len && text[end] != '\n')
      end++;
    line_no++;
    size_t line_len = end - start;
    if (line_len > 0 && text[start + line_len - 1] == '\r')
      line_len--;
    char *line = malloc(line_len + 1);
    char *work = malloc(line_len + 1);
    if (line == NULL || work == NULL) {
      free(line);
      free(work);
      break;
    }
    memcpy(line, text + start, line_len);
    line[line_len] = '\0';
    memcpy(work, line, line_len + 1);
    start = end + 1;

    char *w[LINE_MAX_TOKENS];
    size_t n = tokenize(work, w);
    if (n == 0) {
      /* blank or comment */
    } else if (n > LINE_MAX_TOKENS) {
      report(line_no, "too many words", line);
      bad++;
    } else if (n == 1 && strcmp(w[0], "reset") == 0) {
      ruleset_free(out);
    } else {
      rule r;
      memset(&r, 0, sizeof r);
      const char *why = parse_rule(w, n, &r);
      if (why != NULL) {
        report(line_no, why, line);
        bad++;
      } else if ((r.text = canonical(w, n)) != NULL) {
        rule *grown = realloc(out->rules, (out->n + 1) * sizeof *grown);
        if (grown == NULL) {
          free(r.text);
        } else {
          out->rules = grown;
          out->rules[out->n++] = r;
        }
      }
    }
    free(work);
    free(line);
  }
  return bad;
}
