/* Go 1.24+ Windows programs call ProcessPrng from bcryptprimitives.dll at
   start-up (crypto/rand, runtime seeding). Wine 8 (Debian 12) does not export
   it, so Go binaries die before main. This stand-in exports ProcessPrng and
   forwards to RtlGenRandom (advapi32's SystemFunction036), which wine has.
   Its first call also patches two more wine 8 gaps (winecompat.c).
   It is only installed into the private wine prefix used for tests; real
   Windows (10 1709+) ships the genuine DLL. */
#include <windows.h>
#include <ntsecapi.h>

void winecompat_install(void);

static LONG installed;

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    if (InterlockedCompareExchange(&installed, 1, 0) == 0)
        winecompat_install();
    while (len > 0) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!RtlGenRandom(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
