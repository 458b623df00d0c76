; The per-user installer of desk (NSIS 3, built on Linux by packaging/windows/build.sh).
;
; No administrator rights: the program goes to %LOCALAPPDATA%\Programs\desk, the shortcuts to the
; user's Start menu and desktop, the uninstall entry to HKCU. The data (database, backups, logs,
; keys) lives in %LOCALAPPDATA%\desk, a different folder that neither an upgrade nor an uninstall
; touches. An upgrade replaces the program files whole (so no file of an older version is left
; behind); the app migrates the database at its next start.
;
; makensis -DVERSION=0.1.0 -DSOURCE=<folder holding desk.exe> -DOUTFILE=<setup.exe> desk.nsi

Unicode true
Target amd64-unicode
RequestExecutionLevel user
ManifestDPIAware true
SetCompressor /SOLID lzma
SetCompressorDictSize 32

!ifndef VERSION
  !error "VERSION is not defined"
!endif
!ifndef SOURCE
  !error "SOURCE is not defined"
!endif
!ifndef OUTFILE
  !error "OUTFILE is not defined"
!endif

!define APP "desk"
!define APP_NAME "desk 医保经办窗口"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\desk"
!define SHORTCUT "desk 医保经办窗口.lnk"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\desk"
InstallDirRegKey HKCU "Software\desk" "InstallDir"
BrandingText "${APP_NAME} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "desk"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\desk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动 desk"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; The program files this installer writes; the uninstaller removes exactly these.
!macro RemoveProgramFiles
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\site-packages"
  Delete "$INSTDIR\desk.exe"
  Delete "$INSTDIR\desk-cli.exe"
  Delete "$INSTDIR\说明.txt"
  Delete "$INSTDIR\VERSION.txt"
!macroend

!macro RefuseWhileRunning
  ; A running desk holds python312.dll open; replacing files under it would break it.
  ; (Labels are local to the section, and the macro is used once per section.)
  IfFileExists "$INSTDIR\python\python312.dll" 0 not_running
    ClearErrors
    FileOpen $0 "$INSTDIR\python\python312.dll" a
    IfErrors 0 closed
      MessageBox MB_ICONSTOP "desk 正在运行。请先退出 desk（所有窗口），再运行本程序。" /SD IDOK
      Abort
    closed:
    FileClose $0
  not_running:
!macroend

Section "desk" SecMain
  SetShellVarContext current
  !insertmacro RefuseWhileRunning
  !insertmacro RemoveProgramFiles
  SetOutPath "$INSTDIR"
  File /r "${SOURCE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\desk"
  CreateShortcut "$SMPROGRAMS\desk\${SHORTCUT}" "$INSTDIR\desk.exe" "" "$INSTDIR\desk.exe" 0
  CreateShortcut "$SMPROGRAMS\desk\卸载 desk.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${SHORTCUT}" "$INSTDIR\desk.exe" "" "$INSTDIR\desk.exe" 0

  WriteRegStr HKCU "Software\desk" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "Software\desk" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "desk"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\desk.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  !insertmacro RefuseWhileRunning
  Delete "$DESKTOP\${SHORTCUT}"
  Delete "$SMPROGRAMS\desk\${SHORTCUT}"
  Delete "$SMPROGRAMS\desk\卸载 desk.lnk"
  RMDir "$SMPROGRAMS\desk"
  !insertmacro RemoveProgramFiles
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\desk"
  ; %LOCALAPPDATA%\desk (database, backups, logs, keys) is left as it is.
SectionEnd
