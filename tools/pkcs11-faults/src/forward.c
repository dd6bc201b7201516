/* forward.c — loads the target module and exports C_GetFunctionList with a wrapper for each of the 68 functions. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "fault.h"

#define DEFAULT_TARGET "/usr/lib/softhsm/libsofthsm2.so"

CK_FUNCTION_LIST_PTR fault_target;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static CK_FUNCTION_LIST function_list; /* defined at the end of this file */

/* Loaded once, on the first C_GetFunctionList.  When loading fails, the
 * module still hands out its function list (so the application gets a
 * PKCS#11 error, not a loader error) and C_Initialize returns
 * CKR_GENERAL_ERROR; the reason is printed once, here. */
static void load_target(void)
{
  control_init(getenv("SCWS_FAULT_CONTROL"));

  const char *path = getenv("SCWS_FAULT_TARGET");
  if (path == NULL || path[0] == '\0')
    path = DEFAULT_TARGET;
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "scwsfault: cannot load target PKCS#11 module: %s\n", dlerror());
    return;
  }
  CK_C_GetFunctionList get = NULL;
  *(void **)&get = dlsym(lib, "C_GetFunctionList"); /* POSIX-blessed cast */
  if (get == NULL) {
    fprintf(stderr, "scwsfault: target %s has no C_GetFunctionList: %s\n", path, dlerror());
    return;
  }
  if (get == C_GetFunctionList) {
    fprintf(stderr, "scwsfault: SCWS_FAULT_TARGET %s is the fault module itself\n", path);
    return;
  }
  CK_FUNCTION_LIST_PTR list = NULL;
  CK_RV rv = get(&list);
  if (rv != CKR_OK || list == NULL) {
    fprintf(stderr, "scwsfault: C_GetFunctionList of %s failed: 0x%lx\n", path, (unsigned long)rv);
    return;
  }
  fault_target = list;
}

/* A target built against an older PKCS#11 may leave entries empty. */
#define FORWARD(name, ...) \
  (fault_target->name != NULL ? fault_target->name(__VA_ARGS__) : CKR_FUNCTION_NOT_SUPPORTED)

#define ENTER(call)               \
  CK_RV rv;                       \
  fault_call c = (call);          \
  if (fault_enter(&c, &rv))       \
    return rv

/* ------------------------------------------------------------------------
 * General-purpose functions
 * ------------------------------------------------------------------------ */
static CK_RV w_C_Initialize(CK_VOID_PTR pInitArgs)
{
  /* The init args (CKF_OS_LOCKING_OK or mutex callbacks) go to the target
   * untouched; our own lock is a pthread mutex, which CKF_OS_LOCKING_OK
   * allows and which is harmless when the application brings its own. */
  ENTER(fault_call_none(FN_C_Initialize));
  rv = FORWARD(C_Initialize, pInitArgs);
  if (rv == CKR_OK) {
    fault_lock();
    view_reset();
    fault_unlock();
  }
  return rv;
}

static CK_RV w_C_Finalize(CK_VOID_PTR pReserved)
{
  ENTER(fault_call_none(FN_C_Finalize));
  rv = FORWARD(C_Finalize, pReserved);
  if (rv == CKR_OK) {
    fault_lock();
    view_reset();
    fault_unlock();
  }
  return rv;
}

static CK_RV w_C_GetInfo(CK_INFO_PTR pInfo)
{
  ENTER(fault_call_none(FN_C_GetInfo));
  return FORWARD(C_GetInfo, pInfo);
}

static CK_RV w_C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
  pthread_once(&load_once, load_target);
  ENTER(fault_call_none(FN_C_GetFunctionList));
  if (ppFunctionList == NULL)
    return CKR_ARGUMENTS_BAD;
  *ppFunctionList = &function_list;
  return CKR_OK;
}

/* The only exported symbol: everything else is reached through the table,
 * so our wrappers can never interpose on the target's own C_* symbols. */
__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
  return w_C_GetFunctionList(ppFunctionList);
}

/* ------------------------------------------------------------------------
 * Slot and token management
 * ------------------------------------------------------------------------ */
static CK_RV w_C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount)
{
  ENTER(fault_call_none(FN_C_GetSlotList));
  fault_lock();
  rv = view_slot_list(tokenPresent, pSlotList, pulCount);
  fault_unlock();
  return rv;
}

static CK_RV w_C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
  ENTER(fault_call_slot(FN_C_GetSlotInfo, slotID));
  rv = FORWARD(C_GetSlotInfo, slotID, pInfo);
  if (rv == CKR_OK) {
    fault_lock();
    view_adjust_slot_info(slotID, pInfo);
    fault_unlock();
  }
  return rv;
}

static CK_RV w_C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
  ENTER(fault_call_slot(FN_C_GetTokenInfo, slotID));
  rv = FORWARD(C_GetTokenInfo, slotID, pInfo);
  if (rv == CKR_OK) {
    fault_lock();
    view_adjust_token_info(slotID, pInfo);
    fault_unlock();
  }
  return rv;
}

static CK_RV w_C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList, CK_ULONG_PTR pulCount)
{
  ENTER(fault_call_slot(FN_C_GetMechanismList, slotID));
  return FORWARD(C_GetMechanismList, slotID, pMechanismList, pulCount);
}

static CK_RV w_C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo)
{
  ENTER(fault_call_slot(FN_C_GetMechanismInfo, slotID));
  return FORWARD(C_GetMechanismInfo, slotID, type, pInfo);
}

static CK_RV w_C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen, CK_UTF8CHAR_PTR pLabel)
{
  ENTER(fault_call_slot(FN_C_InitToken, slotID));
  rv = FORWARD(C_InitToken, slotID, pPin, ulPinLen, pLabel);
  fault_lock();
  view_forget_labels(); /* the label, and with SoftHSM the slot id, changed */
  fault_unlock();
  return rv;
}

static CK_RV w_C_InitPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
  ENTER(fault_call_session(FN_C_InitPIN, hSession));
  rv = FORWARD(C_InitPIN, hSession, pPin, ulPinLen);
  if (rv == CKR_OK)
    pin_unlock_user(&c); /* the SO set a new user PIN: a card unblocks it */
  return rv;
}

static CK_RV w_C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pRserved)
{
  /* Forwarded as is; SoftHSM answers CKR_FUNCTION_NOT_SUPPORTED.  Removal
   * through the control file raises no event: applications poll. */
  ENTER(fault_call_none(FN_C_WaitForSlotEvent));
  return FORWARD(C_WaitForSlotEvent, flags, pSlot, pRserved);
}

/* ------------------------------------------------------------------------
 * Session management
 * ------------------------------------------------------------------------ */
static CK_RV w_C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
                             CK_SESSION_HANDLE_PTR phSession)
{
  ENTER(fault_call_slot(FN_C_OpenSession, slotID));
  rv = FORWARD(C_OpenSession, slotID, flags, pApplication, Notify, phSession);
  if (rv == CKR_OK) {
    fault_lock();
    view_session_opened(slotID, *phSession);
    fault_unlock();
  }
  return rv;
}

static CK_RV w_C_CloseSession(CK_SESSION_HANDLE hSession)
{
  /* Always reaches the target, even for a session killed by a removal:
   * the application must be able to release it. */
  ENTER(fault_call_session(FN_C_CloseSession, hSession));
  rv = FORWARD(C_CloseSession, hSession);
  if (rv == CKR_OK) {
    fault_lock();
    view_session_closed(hSession);
    fault_unlock();
  }
  return rv;
}

static CK_RV w_C_CloseAllSessions(CK_SLOT_ID slotID)
{
  ENTER(fault_call_slot(FN_C_CloseAllSessions, slotID));
  rv = FORWARD(C_CloseAllSessions, slotID);
  if (rv == CKR_OK) {
    fault_lock();
    view_slot_sessions_closed(slotID);
    fault_unlock();
  }
  return rv;
}

static CK_RV w_C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
  ENTER(fault_call_session(FN_C_Login, hSession));
  /* A locked PIN is refused without being checked, even when right. */
  if (pin_is_locked(&c, userType))
    return CKR_PIN_LOCKED;
  /* A reader with a PIN pad (pin-pad rule): a login without a PIN is typed on the pad.  Without a PIN
   * means pPin NULL, or a zero-length PIN (pkcs11js cannot pass NULL; OpenSC reads both as the pad). */
  char typed[FAULT_PIN_MAX + 1];
  int cancelled = 0;
  if ((pPin == NULL || ulPinLen == 0) && pin_pad_entry(&c, typed, &cancelled)) {
    if (cancelled)
      return CKR_FUNCTION_CANCELED;
    rv = FORWARD(C_Login, hSession, userType, (CK_UTF8CHAR_PTR)typed, (CK_ULONG)strlen(typed));
    pin_account(&c, userType, rv);
    return rv;
  }
  rv = FORWARD(C_Login, hSession, userType, pPin, ulPinLen);
  pin_account(&c, userType, rv);
  return rv;
}

/* ------------------------------------------------------------------------
 * Every other function takes a session and is forwarded unchanged once the
 * rules and the removal view have let it through.
 * ------------------------------------------------------------------------ */
#define SESSION_WRAPPER(name, params, ...)           \
  static CK_RV w_##name params                       \
  {                                                  \
    ENTER(fault_call_session(FN_##name, hSession));  \
    return FORWARD(name, __VA_ARGS__);               \
  }

SESSION_WRAPPER(C_SetPIN,
                (CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen, CK_UTF8CHAR_PTR pNewPin, CK_ULONG ulNewLen),
                hSession, pOldPin, ulOldLen, pNewPin, ulNewLen)

SESSION_WRAPPER(C_GetSessionInfo,
                (CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo),
                hSession, pInfo)

SESSION_WRAPPER(C_GetOperationState,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState, CK_ULONG_PTR pulOperationStateLen),
                hSession, pOperationState, pulOperationStateLen)

SESSION_WRAPPER(C_SetOperationState,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pOperationState, CK_ULONG ulOperationStateLen, CK_OBJECT_HANDLE hEncryptionKey, CK_OBJECT_HANDLE hAuthenticationKey),
                hSession, pOperationState, ulOperationStateLen, hEncryptionKey, hAuthenticationKey)

SESSION_WRAPPER(C_Logout,
                (CK_SESSION_HANDLE hSession),
                hSession)

SESSION_WRAPPER(C_CreateObject,
                (CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phObject),
                hSession, pTemplate, ulCount, phObject)

SESSION_WRAPPER(C_CopyObject,
                (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phNewObject),
                hSession, hObject, pTemplate, ulCount, phNewObject)

SESSION_WRAPPER(C_DestroyObject,
                (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject),
                hSession, hObject)

SESSION_WRAPPER(C_GetObjectSize,
                (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize),
                hSession, hObject, pulSize)

SESSION_WRAPPER(C_GetAttributeValue,
                (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount),
                hSession, hObject, pTemplate, ulCount)

SESSION_WRAPPER(C_SetAttributeValue,
                (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount),
                hSession, hObject, pTemplate, ulCount)

SESSION_WRAPPER(C_FindObjectsInit,
                (CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount),
                hSession, pTemplate, ulCount)

SESSION_WRAPPER(C_FindObjects,
                (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount),
                hSession, phObject, ulMaxObjectCount, pulObjectCount)

SESSION_WRAPPER(C_FindObjectsFinal,
                (CK_SESSION_HANDLE hSession),
                hSession)

SESSION_WRAPPER(C_EncryptInit,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey),
                hSession, pMechanism, hKey)

SESSION_WRAPPER(C_Encrypt,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pEncryptedData, CK_ULONG_PTR pulEncryptedDataLen),
                hSession, pData, ulDataLen, pEncryptedData, pulEncryptedDataLen)

SESSION_WRAPPER(C_EncryptUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen, CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
                hSession, pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen)

SESSION_WRAPPER(C_EncryptFinal,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pLastEncryptedPart, CK_ULONG_PTR pulLastEncryptedPartLen),
                hSession, pLastEncryptedPart, pulLastEncryptedPartLen)

SESSION_WRAPPER(C_DecryptInit,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey),
                hSession, pMechanism, hKey)

SESSION_WRAPPER(C_Decrypt,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedData, CK_ULONG ulEncryptedDataLen, CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen),
                hSession, pEncryptedData, ulEncryptedDataLen, pData, pulDataLen)

SESSION_WRAPPER(C_DecryptUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart, CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
                hSession, pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen)

SESSION_WRAPPER(C_DecryptFinal,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pLastPart, CK_ULONG_PTR pulLastPartLen),
                hSession, pLastPart, pulLastPartLen)

SESSION_WRAPPER(C_DigestInit,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism),
                hSession, pMechanism)

SESSION_WRAPPER(C_Digest,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen),
                hSession, pData, ulDataLen, pDigest, pulDigestLen)

SESSION_WRAPPER(C_DigestUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen),
                hSession, pPart, ulPartLen)

SESSION_WRAPPER(C_DigestKey,
                (CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hKey),
                hSession, hKey)

SESSION_WRAPPER(C_DigestFinal,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen),
                hSession, pDigest, pulDigestLen)

SESSION_WRAPPER(C_SignInit,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey),
                hSession, pMechanism, hKey)

SESSION_WRAPPER(C_Sign,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen),
                hSession, pData, ulDataLen, pSignature, pulSignatureLen)

SESSION_WRAPPER(C_SignUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen),
                hSession, pPart, ulPartLen)

SESSION_WRAPPER(C_SignFinal,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen),
                hSession, pSignature, pulSignatureLen)

SESSION_WRAPPER(C_SignRecoverInit,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey),
                hSession, pMechanism, hKey)

SESSION_WRAPPER(C_SignRecover,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen),
                hSession, pData, ulDataLen, pSignature, pulSignatureLen)

SESSION_WRAPPER(C_VerifyInit,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey),
                hSession, pMechanism, hKey)

SESSION_WRAPPER(C_Verify,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen),
                hSession, pData, ulDataLen, pSignature, ulSignatureLen)

SESSION_WRAPPER(C_VerifyUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen),
                hSession, pPart, ulPartLen)

SESSION_WRAPPER(C_VerifyFinal,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen),
                hSession, pSignature, ulSignatureLen)

SESSION_WRAPPER(C_VerifyRecoverInit,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey),
                hSession, pMechanism, hKey)

SESSION_WRAPPER(C_VerifyRecover,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen, CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen),
                hSession, pSignature, ulSignatureLen, pData, pulDataLen)

SESSION_WRAPPER(C_DigestEncryptUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen, CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
                hSession, pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen)

SESSION_WRAPPER(C_DecryptDigestUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart, CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
                hSession, pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen)

SESSION_WRAPPER(C_SignEncryptUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen, CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen),
                hSession, pPart, ulPartLen, pEncryptedPart, pulEncryptedPartLen)

SESSION_WRAPPER(C_DecryptVerifyUpdate,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedPart, CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart, CK_ULONG_PTR pulPartLen),
                hSession, pEncryptedPart, ulEncryptedPartLen, pPart, pulPartLen)

SESSION_WRAPPER(C_GenerateKey,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey),
                hSession, pMechanism, pTemplate, ulCount, phKey)

SESSION_WRAPPER(C_GenerateKeyPair,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_ATTRIBUTE_PTR pPublicKeyTemplate, CK_ULONG ulPublicKeyAttributeCount, CK_ATTRIBUTE_PTR pPrivateKeyTemplate, CK_ULONG ulPrivateKeyAttributeCount, CK_OBJECT_HANDLE_PTR phPublicKey, CK_OBJECT_HANDLE_PTR phPrivateKey),
                hSession, pMechanism, pPublicKeyTemplate, ulPublicKeyAttributeCount, pPrivateKeyTemplate, ulPrivateKeyAttributeCount, phPublicKey, phPrivateKey)

SESSION_WRAPPER(C_WrapKey,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hWrappingKey, CK_OBJECT_HANDLE hKey, CK_BYTE_PTR pWrappedKey, CK_ULONG_PTR pulWrappedKeyLen),
                hSession, pMechanism, hWrappingKey, hKey, pWrappedKey, pulWrappedKeyLen)

SESSION_WRAPPER(C_UnwrapKey,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hUnwrappingKey, CK_BYTE_PTR pWrappedKey, CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey),
                hSession, pMechanism, hUnwrappingKey, pWrappedKey, ulWrappedKeyLen, pTemplate, ulAttributeCount, phKey)

SESSION_WRAPPER(C_DeriveKey,
                (CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hBaseKey, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey),
                hSession, pMechanism, hBaseKey, pTemplate, ulAttributeCount, phKey)

SESSION_WRAPPER(C_SeedRandom,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen),
                hSession, pSeed, ulSeedLen)

SESSION_WRAPPER(C_GenerateRandom,
                (CK_SESSION_HANDLE hSession, CK_BYTE_PTR RandomData, CK_ULONG ulRandomLen),
                hSession, RandomData, ulRandomLen)

SESSION_WRAPPER(C_GetFunctionStatus,
                (CK_SESSION_HANDLE hSession),
                hSession)

SESSION_WRAPPER(C_CancelFunction,
                (CK_SESSION_HANDLE hSession),
                hSession)

/* The table, filled from pkcs11f.h so that a function missing a wrapper is
 * a compile error rather than a NULL entry. */
static CK_FUNCTION_LIST function_list = {
  .version = { 2, 40 },
#define CK_PKCS11_FUNCTION_INFO(name) .name = w_##name,
#include "pkcs11f.h"
#undef CK_PKCS11_FUNCTION_INFO
};
