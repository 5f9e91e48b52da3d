<#
.SYNOPSIS
    Publishes CallCenter and installs it as a Windows service, or removes the service again.

.DESCRIPTION
    Install (the default):
      1. stops the service if it is running (the published files would be locked),
      2. publishes CallCenter.Server (Release, win-x64, framework-dependent) into -InstallDir,
      3. copies the sample configuration into <DataDir>\config, file by file, never overwriting a file that
         is already there (an administrator's edits survive every re-install),
      4. creates the data, recordings and log folders the configuration names,
      5. registers the service through the server's own 'install' verb (it runs as the virtual account
         NT SERVICE\<ServiceName>, restarts on failure, and gets the drain time at shutdown),
      6. grants that account modify rights on data, recordings and logs and read rights on the configuration,
      7. adds inbound firewall rules for the SIP listeners, the RTP port range and the web port, all read from
         the callcenter.xml that is installed,
      8. starts the service.
    Running it again upgrades in place.

    -Uninstall stops and removes the service and its firewall rules. Data, recordings, logs, configuration and
    the published program stay where they are.

.EXAMPLE
    .\install.ps1
.EXAMPLE
    .\install.ps1 -InstallDir D:\CallCenter -DataDir D:\CallCenterData
.EXAMPLE
    .\install.ps1 -Uninstall
#>
#Requires -RunAsAdministrator
[CmdletBinding()]
param(
    [string] $InstallDir = 'C:\Program Files\CallCenter',
    [string] $DataDir = 'C:\ProgramData\CallCenter',
    [ValidatePattern('^[A-Za-z0-9_.-]+$')]
    [string] $ServiceName = 'callcenter',
    [switch] $Uninstall
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$exe = Join-Path $InstallDir 'CallCenter.Server.exe'
$configDir = Join-Path $DataDir 'config'
$account = "NT SERVICE\$ServiceName"
# Every rule this script creates carries this group, so uninstall and re-install find exactly them.
$firewallGroup = "CallCenter ($ServiceName)"

function Invoke-Checked {
    # Runs a native command and stops the script when it fails; PowerShell does not do that by itself.
    param([string] $File, [string[]] $Arguments)
    Write-Host "> $File $($Arguments -join ' ')"
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "$File failed with exit code $LASTEXITCODE."
    }
}

function Resolve-ConfigPath {
    # Relative paths in callcenter.xml are relative to the folder that holds config\, i.e. $DataDir.
    param([string] $Value, [string] $Default)
    if ([string]::IsNullOrWhiteSpace($Value)) { $Value = $Default }
    if ([System.IO.Path]::IsPathRooted($Value)) { return $Value }
    return [System.IO.Path]::GetFullPath((Join-Path $DataDir $Value))
}

function Stop-IfRunning {
    $service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
    if ($null -ne $service -and $service.Status -ne 'Stopped') {
        Write-Host "Stopping service '$ServiceName' (calls in progress are drained first)..."
        Stop-Service -Name $ServiceName
    }
    return $null -ne $service
}

if ($Uninstall) {
    $exists = Stop-IfRunning
    if ($exists) {
        if (Test-Path $exe) {
            # The server's own verb: same code path as on Linux, and it says what it removed.
            Invoke-Checked $exe @('uninstall', '--config', $configDir)
        }
        else {
            Write-Host "$exe is gone; removing the service registration with sc.exe."
            Invoke-Checked 'sc.exe' @('delete', $ServiceName)
        }
    }
    else {
        Write-Host "Service '$ServiceName' is not installed."
    }

    Get-NetFirewallRule -Group $firewallGroup -ErrorAction SilentlyContinue | Remove-NetFirewallRule
    Write-Host "Removed firewall rules of group '$firewallGroup'."
    Write-Host "Kept: data, recordings, logs and configuration under $DataDir, and the program in $InstallDir."
    return
}

# 1-2. Publish. The service must be stopped first: a running service holds its DLLs open.
$null = Stop-IfRunning
$project = Join-Path $PSScriptRoot 'CallCenter.Server'
Invoke-Checked 'dotnet' @('publish', $project, '-c', 'Release', '-r', 'win-x64', '--self-contained', 'false', '-o', $InstallDir)

# 3. Configuration: copy only what is missing, so an edited file is never replaced by the sample.
$sampleConfig = Join-Path $PSScriptRoot 'config'
New-Item -ItemType Directory -Force -Path $configDir | Out-Null
Get-ChildItem -Path $sampleConfig -Recurse -File | ForEach-Object {
    $relative = $_.FullName.Substring($sampleConfig.Length).TrimStart('\', '/')
    $target = Join-Path $configDir $relative
    if (Test-Path $target) {
        Write-Host "Kept existing $target"
    }
    else {
        New-Item -ItemType Directory -Force -Path (Split-Path $target -Parent) | Out-Null
        Copy-Item -Path $_.FullName -Destination $target
        Write-Host "Copied $target"
    }
}

# Folders and ports come from the configuration actually installed, which may differ from the sample.
[xml] $config = Get-Content -Raw -Path (Join-Path $configDir 'callcenter.xml')
$storage = $config.SelectSingleNode('/callcenter/storage')
$logging = $config.SelectSingleNode('/callcenter/logging')
$dataFolder = Resolve-ConfigPath $(if ($storage) { $storage.GetAttribute('dataFolder') }) 'data'
$recordingsFolder = Resolve-ConfigPath $(if ($storage) { $storage.GetAttribute('recordingsFolder') }) 'data\recordings'
$logFolder = Resolve-ConfigPath $(if ($logging) { $logging.GetAttribute('folder') }) 'logs'

# 4. Folders.
foreach ($folder in @($dataFolder, $recordingsFolder, $logFolder)) {
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
}

# 5. Register the service. Before the ACLs: the virtual account NT SERVICE\<name> exists only once the
#    service does.
Invoke-Checked $exe @('install', '--config', $configDir)

# 6. Rights for the service account: modify on what it writes, read on what it reads. (OI)(CI) makes the
#    grant inherit to files and folders created later.
foreach ($folder in @($dataFolder, $recordingsFolder, $logFolder)) {
    Invoke-Checked 'icacls.exe' @($folder, '/grant', "${account}:(OI)(CI)M", '/Q')
}
Invoke-Checked 'icacls.exe' @($configDir, '/grant', "${account}:(OI)(CI)RX", '/Q')

# 7. Firewall. Replace, not add to, the rules of an earlier install, so a changed port closes the old one.
Get-NetFirewallRule -Group $firewallGroup -ErrorAction SilentlyContinue | Remove-NetFirewallRule

function Add-Rule {
    param([string] $Name, [string] $Protocol, [string[]] $Ports)
    if (-not $Ports) { return }
    New-NetFirewallRule -DisplayName "CallCenter $Name" -Group $firewallGroup -Direction Inbound -Action Allow `
        -Protocol $Protocol -LocalPort $Ports -Program $exe -Profile Any | Out-Null
    Write-Host "Firewall: allowed inbound $Protocol $($Ports -join ',') ($Name)"
}

$sipUdp = @(); $sipTcp = @(); $sipTls = @()
foreach ($listener in $config.SelectNodes('/callcenter/sip/listener')) {
    $port = $listener.GetAttribute('port')
    switch ($listener.GetAttribute('transport').ToLowerInvariant()) {
        'udp' { $sipUdp += $port }
        'tcp' { $sipTcp += $port }
        'tls' { $sipTls += $port }
    }
}
Add-Rule 'SIP (UDP)' 'UDP' ($sipUdp | Sort-Object -Unique)
Add-Rule 'SIP (TCP)' 'TCP' ($sipTcp | Sort-Object -Unique)
Add-Rule 'SIP (TLS)' 'TCP' ($sipTls | Sort-Object -Unique)

$rtp = $config.SelectSingleNode('/callcenter/rtp')
$rtpMin = if ($rtp -and $rtp.GetAttribute('portMin')) { $rtp.GetAttribute('portMin') } else { '20000' }
$rtpMax = if ($rtp -and $rtp.GetAttribute('portMax')) { $rtp.GetAttribute('portMax') } else { '30000' }
Add-Rule 'RTP media' 'UDP' @("$rtpMin-$rtpMax")

$web = $config.SelectSingleNode('/callcenter/web')
$webPort = if ($web -and $web.GetAttribute('port')) { $web.GetAttribute('port') } else { '8080' }
$webAddress = if ($web -and $web.GetAttribute('address')) { $web.GetAttribute('address') } else { '127.0.0.1' }
$parsed = $null
if ([System.Net.IPAddress]::TryParse($webAddress, [ref] $parsed) -and [System.Net.IPAddress]::IsLoopback($parsed)) {
    # Nothing outside this machine can reach a loopback listener; opening the port would only mislead.
    Write-Host "Firewall: web console listens on $webAddress only; no rule added for port $webPort."
}
else {
    Add-Rule 'web console' 'TCP' @($webPort)
}

# 8. Start, and show the result the server itself reports.
Start-Service -Name $ServiceName
& $exe status --config $configDir
Write-Host "Installed. Configuration: $configDir  Data: $dataFolder  Logs: $logFolder"
