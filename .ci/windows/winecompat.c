/* Two gaps of wine 8 (Debian 12) that break Go >= 1.24 Windows programs,
   patched in-process by the stand-in bcryptprimitives.dll (see
   processprng.c) the first time the Go runtime asks it for random bytes.
   Only for the private wine prefix the tests use; nothing of this ships.

   1. WSAIoctl(SIO_UDP_NETRESET) fails with WSAEOPNOTSUPP, and Go calls it
      for every UDP socket (go.dev/issue/68614): no UDP at all. The hook
      answers "done" for that one code; it only turns off the reporting of
      ICMP "network unreachable", which loopback tests never see.
   2. NtSetInformationFile(FileDispositionInformationEx = 64) returns
      STATUS_NOT_IMPLEMENTED, which Go's os.RemoveAll does not expect (it
      falls back to the old way only for STATUS_INVALID_INFO_CLASS and
      friends): every t.TempDir() cleanup fails with "Invalid function".
      The hook reports STATUS_INVALID_INFO_CLASS for class 64, so Go uses
      its fallback (FileDispositionInformation), which wine has.

   Each patch is applied only if the function starts with exactly the bytes
   this wine build has (checked below); otherwise nothing is touched. A
   12-byte "mov rax, hook; jmp rax" replaces the start of the function and
   the hook calls a copy of the replaced instructions (a trampoline). */
#include <winsock2.h>
#include <windows.h>
#include <string.h>

#define SIO_UDP_NETRESET_CODE 0x9800000Fu
#define FILE_DISPOSITION_INFORMATION_EX_CLASS 64
#define STATUS_INVALID_INFO_CLASS_CODE ((LONG)0xC0000003)

typedef int (WINAPI *wsaioctl_fn)(SOCKET, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD,
                                  LPWSAOVERLAPPED, LPWSAOVERLAPPED_COMPLETION_ROUTINE);
typedef LONG (NTAPI *ntsetinfo_fn)(HANDLE, PVOID, PVOID, ULONG, ULONG);

static wsaioctl_fn orig_wsaioctl;
static ntsetinfo_fn orig_ntsetinfo;

static int WINAPI hook_wsaioctl(SOCKET s, DWORD code, LPVOID in, DWORD inlen, LPVOID out,
                                DWORD outlen, LPDWORD ret, LPWSAOVERLAPPED ov,
                                LPWSAOVERLAPPED_COMPLETION_ROUTINE cr) {
    if (code == SIO_UDP_NETRESET_CODE) {
        if (ret)
            *ret = 0;
        return 0;
    }
    return orig_wsaioctl(s, code, in, inlen, out, outlen, ret, ov, cr);
}

static LONG NTAPI hook_ntsetinfo(HANDLE h, PVOID iosb, PVOID info, ULONG len, ULONG cls) {
    if (cls == FILE_DISPOSITION_INFORMATION_EX_CLASS)
        return STATUS_INVALID_INFO_CLASS_CODE;
    return orig_ntsetinfo(h, iosb, info, len, cls);
}

/* pattern check: '?' in mask = any byte */
static int matches(const unsigned char *p, const unsigned char *pat, const char *mask, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (mask[i] != '?' && p[i] != pat[i])
            return 0;
    return 1;
}

static void put_jump(unsigned char *at, const void *to) {
    at[0] = 0x48; at[1] = 0xB8;            /* mov rax, imm64 */
    memcpy(at + 2, &to, 8);
    at[10] = 0xFF; at[11] = 0xE0;          /* jmp rax */
}

/* copy n bytes of target (whole instructions, position-independent) into
   fresh executable memory, followed by a jump back to target+n (if back) */
static void *trampoline(const unsigned char *target, size_t n, int back) {
    unsigned char *t = VirtualAlloc(NULL, 64, MEM_COMMIT | MEM_RESERVE, PAGE_EXECUTE_READWRITE);
    if (!t)
        return NULL;
    memcpy(t, target, n);
    if (back)
        put_jump(t + n, target + n);
    return t;
}

static int patch(unsigned char *target, const void *hook) {
    DWORD old;
    if (!VirtualProtect(target, 12, PAGE_EXECUTE_READWRITE, &old))
        return 0;
    put_jump(target, hook);
    VirtualProtect(target, 12, old, &old);
    FlushInstructionCache(GetCurrentProcess(), target, 12);
    return 1;
}

void winecompat_install(void) {
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    if (!ntdll || !GetProcAddress(ntdll, "wine_get_version"))
        return; /* real Windows: nothing to do */

    /* WSAIoctl of wine 8.0: push r15, r14, r13, r12, rbp, rdi, rsi, rbx (12 bytes) */
    static const unsigned char wsa_pat[12] = {0x41, 0x57, 0x41, 0x56, 0x41, 0x55, 0x41, 0x54, 0x55, 0x57, 0x56, 0x53};
    HMODULE ws2 = LoadLibraryA("ws2_32.dll");
    unsigned char *wsa = ws2 ? (unsigned char *)GetProcAddress(ws2, "WSAIoctl") : NULL;
    if (wsa && matches(wsa, wsa_pat, "xxxxxxxxxxxx", 12)) {
        orig_wsaioctl = (wsaioctl_fn)trampoline(wsa, 12, 1);
        if (orig_wsaioctl)
            patch(wsa, hook_wsaioctl);
    }

    /* NtSetInformationFile of wine 8.0: a 32-byte syscall thunk whose
       jumps stay inside it, so a copy of it works anywhere:
         mov r10,rcx; mov eax,N; test byte [0x7ffe0308],1; jne +3; syscall; ret;
         jmp +1; ret; call [0x7ffe1000]; ret */
    static const unsigned char nt_pat[32] = {
        0x4c, 0x8b, 0xd1, 0xb8, 0, 0, 0, 0, 0xf6, 0x04, 0x25, 0x08, 0x03, 0xfe, 0x7f, 0x01,
        0x75, 0x03, 0x0f, 0x05, 0xc3, 0xeb, 0x01, 0xc3, 0xff, 0x14, 0x25, 0x00, 0x10, 0xfe, 0x7f, 0xc3};
    unsigned char *nt = (unsigned char *)GetProcAddress(ntdll, "NtSetInformationFile");
    if (nt && matches(nt, nt_pat, "xxxx????xxxxxxxxxxxxxxxxxxxxxxxx", 32)) {
        orig_ntsetinfo = (ntsetinfo_fn)trampoline(nt, 32, 0);
        if (orig_ntsetinfo)
            patch(nt, hook_ntsetinfo);
    }
}
