; Inno Setup script: installs the PyInstaller output for all users of a counter PC.
; Build: iscc packaging\desk.iss  (after pyinstaller packaging\desk.spec)
[Setup]
AppName=desk 医保经办窗口
AppVersion=0.1.0
DefaultDirName={autopf}\desk
DefaultGroupName=desk
OutputBaseFilename=desk-setup-0.1.0
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=admin

[Files]
Source: "..\dist\desk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\医保经办窗口 desk"; Filename: "{app}\desk.exe"
Name: "{commondesktop}\医保经办窗口 desk"; Filename: "{app}\desk.exe"
