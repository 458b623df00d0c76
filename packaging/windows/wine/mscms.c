/* Wine test prefix only: qwindows.dll imports these four; Wine's WcsCreateIccProfile aborts.
 * "No profile" everywhere, which Qt treats as sRGB. */
#include <windows.h>
#define EXPORT __declspec(dllexport)
EXPORT HANDLE WINAPI OpenColorProfileW(void *profile, DWORD access, DWORD share, DWORD creation)
{ (void)profile; (void)access; (void)share; (void)creation; SetLastError(ERROR_FILE_NOT_FOUND); return NULL; }
EXPORT BOOL WINAPI CloseColorProfile(HANDLE profile) { (void)profile; return TRUE; }
EXPORT BOOL WINAPI GetColorProfileFromHandle(HANDLE profile, PBYTE buffer, PDWORD size)
{ (void)profile; (void)buffer; (void)size; SetLastError(ERROR_INVALID_HANDLE); return FALSE; }
EXPORT HANDLE WINAPI WcsCreateIccProfile(HANDLE profile, DWORD flags)
{ (void)profile; (void)flags; SetLastError(ERROR_NOT_SUPPORTED); return NULL; }
