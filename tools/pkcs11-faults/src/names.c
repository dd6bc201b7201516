/* names.c — the names the control language uses for PKCS#11 functions and CKR_ return values. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

const char *const fault_fn_names[FN_COUNT] = {
#define CK_PKCS11_FUNCTION_INFO(name) #name,
#include "pkcs11f.h"
#undef CK_PKCS11_FUNCTION_INFO
};

/* PKCS#11 v2.40 lists exactly 68 functions in CK_FUNCTION_LIST. */
_Static_assert(FN_COUNT == 68, "CK_FUNCTION_LIST of PKCS#11 v2.40 has 68 entries");

int fault_fn_lookup(const char *name)
{
  for (int i = 0; i < FN_COUNT; i++)
    if (strcmp(fault_fn_names[i], name) == 0)
      return i;
  return -1;
}

#define R(x) { #x, x }
static const struct {
  const char *name;
  CK_RV value;
} ckr_names[] = {
  R(CKR_OK),
  R(CKR_CANCEL),
  R(CKR_HOST_MEMORY),
  R(CKR_SLOT_ID_INVALID),
  R(CKR_GENERAL_ERROR),
  R(CKR_FUNCTION_FAILED),
  R(CKR_ARGUMENTS_BAD),
  R(CKR_NO_EVENT),
  R(CKR_NEED_TO_CREATE_THREADS),
  R(CKR_CANT_LOCK),
  R(CKR_ATTRIBUTE_READ_ONLY),
  R(CKR_ATTRIBUTE_SENSITIVE),
  R(CKR_ATTRIBUTE_TYPE_INVALID),
  R(CKR_ATTRIBUTE_VALUE_INVALID),
  R(CKR_ACTION_PROHIBITED),
  R(CKR_DATA_INVALID),
  R(CKR_DATA_LEN_RANGE),
  R(CKR_DEVICE_ERROR),
  R(CKR_DEVICE_MEMORY),
  R(CKR_DEVICE_REMOVED),
  R(CKR_ENCRYPTED_DATA_INVALID),
  R(CKR_ENCRYPTED_DATA_LEN_RANGE),
  R(CKR_FUNCTION_CANCELED),
  R(CKR_FUNCTION_NOT_PARALLEL),
  R(CKR_FUNCTION_NOT_SUPPORTED),
  R(CKR_KEY_HANDLE_INVALID),
  R(CKR_KEY_SIZE_RANGE),
  R(CKR_KEY_TYPE_INCONSISTENT),
  R(CKR_KEY_NOT_NEEDED),
  R(CKR_KEY_CHANGED),
  R(CKR_KEY_NEEDED),
  R(CKR_KEY_INDIGESTIBLE),
  R(CKR_KEY_FUNCTION_NOT_PERMITTED),
  R(CKR_KEY_NOT_WRAPPABLE),
  R(CKR_KEY_UNEXTRACTABLE),
  R(CKR_MECHANISM_INVALID),
  R(CKR_MECHANISM_PARAM_INVALID),
  R(CKR_OBJECT_HANDLE_INVALID),
  R(CKR_OPERATION_ACTIVE),
  R(CKR_OPERATION_NOT_INITIALIZED),
  R(CKR_PIN_INCORRECT),
  R(CKR_PIN_INVALID),
  R(CKR_PIN_LEN_RANGE),
  R(CKR_PIN_EXPIRED),
  R(CKR_PIN_LOCKED),
  R(CKR_SESSION_CLOSED),
  R(CKR_SESSION_COUNT),
  R(CKR_SESSION_HANDLE_INVALID),
  R(CKR_SESSION_PARALLEL_NOT_SUPPORTED),
  R(CKR_SESSION_READ_ONLY),
  R(CKR_SESSION_EXISTS),
  R(CKR_SESSION_READ_ONLY_EXISTS),
  R(CKR_SESSION_READ_WRITE_SO_EXISTS),
  R(CKR_SIGNATURE_INVALID),
  R(CKR_SIGNATURE_LEN_RANGE),
  R(CKR_TEMPLATE_INCOMPLETE),
  R(CKR_TEMPLATE_INCONSISTENT),
  R(CKR_TOKEN_NOT_PRESENT),
  R(CKR_TOKEN_NOT_RECOGNIZED),
  R(CKR_TOKEN_WRITE_PROTECTED),
  R(CKR_UNWRAPPING_KEY_HANDLE_INVALID),
  R(CKR_UNWRAPPING_KEY_SIZE_RANGE),
  R(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT),
  R(CKR_USER_ALREADY_LOGGED_IN),
  R(CKR_USER_NOT_LOGGED_IN),
  R(CKR_USER_PIN_NOT_INITIALIZED),
  R(CKR_USER_TYPE_INVALID),
  R(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
  R(CKR_USER_TOO_MANY_TYPES),
  R(CKR_WRAPPED_KEY_INVALID),
  R(CKR_WRAPPED_KEY_LEN_RANGE),
  R(CKR_WRAPPING_KEY_HANDLE_INVALID),
  R(CKR_WRAPPING_KEY_SIZE_RANGE),
  R(CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
  R(CKR_RANDOM_SEED_NOT_SUPPORTED),
  R(CKR_RANDOM_NO_RNG),
  R(CKR_DOMAIN_PARAMS_INVALID),
  R(CKR_CURVE_NOT_SUPPORTED),
  R(CKR_BUFFER_TOO_SMALL),
  R(CKR_SAVED_STATE_INVALID),
  R(CKR_INFORMATION_SENSITIVE),
  R(CKR_STATE_UNSAVEABLE),
  R(CKR_CRYPTOKI_NOT_INITIALIZED),
  R(CKR_CRYPTOKI_ALREADY_INITIALIZED),
  R(CKR_MUTEX_BAD),
  R(CKR_MUTEX_NOT_LOCKED),
  R(CKR_NEW_PIN_MODE),
  R(CKR_NEXT_OTP),
  R(CKR_EXCEEDED_MAX_ITERATIONS),
  R(CKR_FIPS_SELF_TEST_FAILED),
  R(CKR_LIBRARY_LOAD_FAILED),
  R(CKR_PIN_TOO_WEAK),
  R(CKR_PUBLIC_KEY_INVALID),
  R(CKR_FUNCTION_REJECTED),
  R(CKR_VENDOR_DEFINED),
};
#undef R

/* Accepts a CKR_ name from pkcs11t.h, 0xHEX, or a decimal number (so vendor
 * codes above CKR_VENDOR_DEFINED can be injected too). */
int fault_ckr_lookup(const char *name, CK_RV *value)
{
  for (size_t i = 0; i < sizeof ckr_names / sizeof ckr_names[0]; i++) {
    if (strcmp(ckr_names[i].name, name) == 0) {
      *value = ckr_names[i].value;
      return 1;
    }
  }
  if (name[0] < '0' || name[0] > '9')
    return 0;
  int hex = name[0] == '0' && (name[1] == 'x' || name[1] == 'X');
  if (hex && !isxdigit((unsigned char)name[2]))
    return 0;
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(hex ? name + 2 : name, &end, hex ? 16 : 10);
  if (errno != 0 || end == name || (hex && end == name + 2) || *end != '\0' || v > (CK_RV)-1)
    return 0;
  *value = (CK_RV)v;
  return 1;
}
