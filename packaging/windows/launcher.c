/* The two launchers of the Windows build: desk.exe (GUI) and desk-cli.exe (command line).
 *
 * Each starts the bundled interpreter beside itself, python\python.exe (desk-cli.exe) or
 * python\pythonw.exe (desk.exe), as  python -X utf8 -m desk ARGS...  with the arguments passed on
 * exactly as they were typed, waits for it and returns its exit code. The interpreter runs in a
 * job object, so closing or killing the launcher ends it too.
 *
 * Built with mingw-w64 (packaging/windows/build.sh):
 *   x86_64-w64-mingw32-gcc -municode -O2 -s launcher.c -o desk-cli.exe
 *   x86_64-w64-mingw32-gcc -municode -O2 -s -mwindows -DDESK_GUI launcher.c -o desk.exe
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wchar.h>

#ifdef DESK_GUI
#define INTERPRETER L"python\\pythonw.exe"
#else
#define INTERPRETER L"python\\python.exe"
#endif

static int fail(const wchar_t *message, const wchar_t *detail)
{
    wchar_t text[40000];
    _snwprintf(text, sizeof text / sizeof text[0] - 1, L"%ls\n%ls", message, detail ? detail : L"");
    text[sizeof text / sizeof text[0] - 1] = L'\0';
#ifdef DESK_GUI
    MessageBoxW(NULL, text, L"desk", MB_ICONERROR | MB_OK);
#else
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD written;
    if (GetFileType(err) == FILE_TYPE_CHAR) {
        WriteConsoleW(err, text, (DWORD)wcslen(text), &written, NULL);
        WriteConsoleW(err, L"\n", 1, &written, NULL);
    } else {
        char utf8[120000];
        int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, sizeof utf8 - 2, NULL, NULL);
        if (n > 0) {
            utf8[n - 1] = '\n';
            WriteFile(err, utf8, (DWORD)n, &written, NULL);
        }
    }
#endif
    return 2;
}

/* The command line after the program name, by the rules Windows uses for argv[0]. */
static const wchar_t *arguments(const wchar_t *line)
{
    const wchar_t *p = line;
    if (*p == L'"') {
        for (p++; *p && *p != L'"'; p++) {}
        if (*p) p++;
    } else {
        for (; *p && *p != L' ' && *p != L'\t'; p++) {}
    }
    while (*p == L' ' || *p == L'\t') p++;
    return p;
}

#ifndef DESK_GUI
static BOOL WINAPI ignore_break(DWORD kind)
{
    (void)kind;
    return TRUE; /* the interpreter shares the console and handles Ctrl+C itself */
}
#endif

int wmain(void)
{
    static wchar_t here[32768];
    DWORD length = GetModuleFileNameW(NULL, here, sizeof here / sizeof here[0]);
    if (length == 0 || length >= sizeof here / sizeof here[0])
        return fail(L"desk: 无法确定程序所在的文件夹。", NULL);
    wchar_t *slash = wcsrchr(here, L'\\');
    if (!slash)
        return fail(L"desk: 无法确定程序所在的文件夹。", here);
    slash[1] = L'\0';

    static wchar_t interpreter[32768 + 64];
    _snwprintf(interpreter, sizeof interpreter / sizeof interpreter[0] - 1, L"%ls%ls", here, INTERPRETER);
    if (GetFileAttributesW(interpreter) == INVALID_FILE_ATTRIBUTES)
        return fail(L"desk: 安装不完整，找不到自带的 Python，请重新安装 desk。", interpreter);

    const wchar_t *rest = arguments(GetCommandLineW());
    size_t size = wcslen(interpreter) + wcslen(rest) + 64;
    wchar_t *command = HeapAlloc(GetProcessHeap(), 0, size * sizeof(wchar_t));
    if (!command)
        return fail(L"desk: 内存不足。", NULL);
    _snwprintf(command, size, L"\"%ls\" -X utf8 -m desk%ls%ls", interpreter, *rest ? L" " : L"", rest);
    command[size - 1] = L'\0';

    STARTUPINFOW startup;
    ZeroMemory(&startup, sizeof startup);
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
#ifdef DESK_GUI
    /* pythonw needs explicit empty standard handles, or it fails in init_sys_streams */
    startup.hStdInput = startup.hStdOutput = startup.hStdError = NULL;
    BOOL inherit = FALSE;
#else
    startup.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    startup.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    HANDLE handles[3] = {startup.hStdInput, startup.hStdOutput, startup.hStdError};
    for (int i = 0; i < 3; i++)
        if (handles[i] && handles[i] != INVALID_HANDLE_VALUE)
            SetHandleInformation(handles[i], HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    BOOL inherit = TRUE;
    SetConsoleCtrlHandler(ignore_break, TRUE);
#endif

    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (job) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
        ZeroMemory(&limits, sizeof limits);
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    }

    PROCESS_INFORMATION process;
    if (!CreateProcessW(interpreter, command, NULL, NULL, inherit, CREATE_SUSPENDED, NULL, NULL, &startup, &process))
        return fail(L"desk: 无法启动自带的 Python。", interpreter);
    if (job)
        AssignProcessToJobObject(job, process.hProcess); /* may fail inside another job: then unowned */
    ResumeThread(process.hThread);
    CloseHandle(process.hThread);
    WaitForSingleObject(process.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(process.hProcess, &code);
    CloseHandle(process.hProcess);
    return (int)code;
}

#ifdef DESK_GUI
int WINAPI wWinMain(HINSTANCE instance, HINSTANCE previous, PWSTR line, int show)
{
    (void)instance; (void)previous; (void)line; (void)show;
    return wmain();
}
#endif
