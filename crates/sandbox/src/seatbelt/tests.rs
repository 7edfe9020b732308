use super::*;
use pretty_assertions::assert_eq;
use recodex_protocol::permissions::NetworkSandboxPolicy;

fn command() -> Vec<String> {
    vec!["bash".to_owned(), "-lc".to_owned(), "echo hi".to_owned()]
}

fn workspace_write(writable_roots: Vec<PathBuf>, network_access: bool) -> SandboxPolicy {
    SandboxPolicy::WorkspaceWrite {
        writable_roots,
        network_access,
        exclude_tmpdir_env_var: false,
        exclude_slash_tmp: true,
    }
}

/// A temp directory under its canonical name (`/tmp` is `/private/tmp` on macOS).
fn canonical_tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = std::fs::canonicalize(dir.path()).unwrap();
    (dir, path)
}

/// The profile text of a wrapped command (`-p <profile>`).
fn profile_of(cmd: &SeatbeltCommand) -> &str {
    assert_eq!(cmd.args[0], "-p");
    &cmd.args[1]
}

/// The `-D` definitions of a wrapped command, in order.
fn definitions(cmd: &SeatbeltCommand) -> Vec<&str> {
    cmd.args
        .iter()
        .take_while(|arg| *arg != "--")
        .filter_map(|arg| arg.strip_prefix("-D"))
        .collect()
}

fn root(path: &str, read_only: &[&str]) -> WritableRoot {
    WritableRoot {
        root: PathBuf::from(path),
        read_only_subpaths: read_only.iter().map(PathBuf::from).collect(),
    }
}

#[test]
fn read_only_profile_allows_no_file_writes() {
    let (_dir, cwd) = canonical_tempdir();
    let policy = SandboxPolicy::ReadOnly {
        network_access: false,
    };
    let cmd = seatbelt_command(&policy, &cwd, &command(), None).unwrap();
    assert!(cmd.is_sandboxed());
    assert_eq!(cmd.program, PathBuf::from("/usr/bin/sandbox-exec"));
    assert_eq!(
        cmd.env,
        vec![("CODEX_SANDBOX".to_owned(), "seatbelt".to_owned())]
    );
    let profile = profile_of(&cmd);
    assert!(profile.starts_with("(version 1)\n"));
    assert!(profile.contains("(deny default)"));
    assert!(profile.contains("(allow file-read*)"));
    // The only write rules left are the base policy's device ones.
    assert!(!profile.contains("(allow file-write*\n"));
    assert!(!profile.contains("regex #\"^/\""));
    assert!(!profile.contains("(param "));
    assert!(!profile.contains("network-outbound"));
    let mut expected = vec!["-p".to_owned(), profile.to_owned(), "--".to_owned()];
    expected.extend(command());
    assert_eq!(cmd.args, expected);
}

#[test]
fn workspace_write_numbers_roots_like_the_reference_with_metadata_exclusions() {
    let (_dir, base) = canonical_tempdir();
    // cwd is deeper than the extra root and `$TMPDIR`: a parents-first order would differ.
    let cwd = base.join("deep/down/cwd");
    let extra = base.join("extra");
    let tmpdir = base.join("tmpdir");
    for dir in [&cwd, &extra, &tmpdir] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::create_dir(cwd.join(".git")).unwrap();
    std::fs::create_dir(extra.join(".codex")).unwrap();
    let policy = workspace_write(vec![extra.clone()], false);
    let cmd = seatbelt_command(&policy, &cwd, &command(), Some(tmpdir.as_os_str())).unwrap();

    let d = |name: &str, path: &Path| format!("{name}={}", path.display());
    let expected = vec![
        d("WRITABLE_ROOT_0", &cwd),
        d("WRITABLE_ROOT_0_EXCLUDED_0", &cwd.join(".git")),
        d("WRITABLE_ROOT_0_EXCLUDED_1", &cwd.join(".agents")),
        d("WRITABLE_ROOT_0_EXCLUDED_2", &cwd.join(".codex")),
        d("WRITABLE_ROOT_1", &extra),
        d("WRITABLE_ROOT_1_EXCLUDED_0", &extra.join(".codex")),
        d("WRITABLE_ROOT_1_EXCLUDED_1", &extra.join(".git")),
        d("WRITABLE_ROOT_1_EXCLUDED_2", &extra.join(".agents")),
        d("WRITABLE_ROOT_2", &tmpdir),
        d("WRITABLE_ROOT_2_EXCLUDED_0", &tmpdir.join(".git")),
        d("WRITABLE_ROOT_2_EXCLUDED_1", &tmpdir.join(".agents")),
        d("WRITABLE_ROOT_2_EXCLUDED_2", &tmpdir.join(".codex")),
    ];
    assert_eq!(definitions(&cmd), expected);

    let profile = profile_of(&cmd);
    for index in 0..3 {
        let root = format!("(require-all (subpath (param \"WRITABLE_ROOT_{index}\"))");
        assert!(profile.contains(&root), "{root} missing:\n{profile}");
        for excluded in 0..3 {
            let param = format!("WRITABLE_ROOT_{index}_EXCLUDED_{excluded}");
            assert!(profile.contains(&format!("(require-not (literal (param \"{param}\")))")));
            assert!(profile.contains(&format!("(require-not (subpath (param \"{param}\")))")));
        }
    }
    assert!(!profile.contains("WRITABLE_ROOT_3"));
    // The command follows the definitions, untouched.
    let separator = cmd.args.iter().position(|arg| arg == "--").unwrap();
    assert_eq!(cmd.args[separator + 1..], command()[..]);
}

#[test]
fn slash_tmp_comes_after_the_extra_roots() {
    let (_dir, cwd) = canonical_tempdir();
    let policy = SandboxPolicy::WorkspaceWrite {
        writable_roots: Vec::new(),
        network_access: false,
        exclude_tmpdir_env_var: true,
        exclude_slash_tmp: false,
    };
    let cmd = seatbelt_command(&policy, &cwd, &command(), None).unwrap();
    let slash_tmp = std::fs::canonicalize("/tmp").unwrap();
    let roots: Vec<&str> = definitions(&cmd)
        .into_iter()
        .filter(|def| !def.contains("_EXCLUDED_"))
        .collect();
    assert_eq!(
        roots,
        vec![
            format!("WRITABLE_ROOT_0={}", cwd.display()),
            format!("WRITABLE_ROOT_1={}", slash_tmp.display()),
        ]
    );
}

#[test]
fn network_section_only_when_the_network_is_allowed() {
    let (_dir, cwd) = canonical_tempdir();
    let on = seatbelt_command(&workspace_write(Vec::new(), true), &cwd, &command(), None).unwrap();
    let profile = profile_of(&on);
    assert!(profile.contains("(allow network-outbound)\n(allow network-inbound)\n"));
    assert!(profile.contains("(socket-domain AF_SYSTEM)"));
    assert!(profile.contains("(global-name \"com.apple.trustd.agent\")"));
    // The network section comes last, after the writable roots.
    assert!(profile.find("(allow file-write*\n") < profile.find("(allow network-outbound)"));

    let off =
        seatbelt_command(&workspace_write(Vec::new(), false), &cwd, &command(), None).unwrap();
    let profile = profile_of(&off);
    assert!(!profile.contains("network-outbound"));
    assert!(!profile.contains("network-inbound"));
    assert!(!profile.contains("system-socket"));
    assert!(!profile.contains("com.apple.trustd.agent"));

    let read_only = SandboxPolicy::ReadOnly {
        network_access: true,
    };
    let cmd = seatbelt_command(&read_only, &cwd, &command(), None).unwrap();
    assert!(profile_of(&cmd).contains("(allow network-outbound)"));
    assert!(definitions(&cmd).is_empty());
}

#[test]
fn full_access_and_external_sandbox_run_the_command_unwrapped() {
    let cwd = Path::new("/");
    let external = SandboxPolicy::ExternalSandbox {
        network_access: NetworkSandboxPolicy::Restricted,
    };
    for policy in [SandboxPolicy::DangerFullAccess, external] {
        let cmd = seatbelt_command(&policy, cwd, &command(), None).unwrap();
        assert!(!cmd.is_sandboxed());
        assert_eq!(cmd.program, PathBuf::from("bash"));
        assert_eq!(cmd.args, vec!["-lc".to_owned(), "echo hi".to_owned()]);
        assert!(cmd.env.is_empty());
    }
}

#[test]
fn full_disk_write_profile_allows_every_path() {
    let profile = seatbelt_profile(&ResolvedPolicy::full_access(false));
    assert!(profile.text.contains("(allow file-write* (regex #\"^/\"))"));
    assert!(!profile.text.contains("network-outbound"));
    assert!(profile.params.is_empty());
}

#[test]
fn paths_with_spaces_and_quotes_only_reach_the_params() {
    let (_dir, base) = canonical_tempdir();
    let cwd = base.join("my \"quoted\" (project) dir");
    std::fs::create_dir(&cwd).unwrap();
    let cmd =
        seatbelt_command(&workspace_write(Vec::new(), false), &cwd, &command(), None).unwrap();
    let profile = profile_of(&cmd);
    assert!(!profile.contains("quoted"));
    assert!(!profile.contains(&base.display().to_string()));
    let definitions = definitions(&cmd);
    assert_eq!(definitions[0], format!("WRITABLE_ROOT_0={}", cwd.display()));
    assert_eq!(
        definitions[1],
        format!("WRITABLE_ROOT_0_EXCLUDED_0={}/.git", cwd.display())
    );
}

#[test]
fn carve_outs_of_nested_roots_are_excluded_from_the_outer_root() {
    let policy = ResolvedPolicy {
        denied: Vec::new(),
        full_disk_write: false,
        writable_roots: vec![
            root("/w", &["/w/.git", "/w/.agents", "/w/.codex"]),
            root("/w/sub", &["/w/sub/.git"]),
        ],
        network: false,
    };
    let profile = seatbelt_profile(&policy);
    let names: Vec<(&str, &str)> = profile
        .params
        .iter()
        .map(|(name, path)| (name.as_str(), path.to_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("WRITABLE_ROOT_0", "/w"),
            ("WRITABLE_ROOT_0_EXCLUDED_0", "/w/.git"),
            ("WRITABLE_ROOT_0_EXCLUDED_1", "/w/.agents"),
            ("WRITABLE_ROOT_0_EXCLUDED_2", "/w/.codex"),
            ("WRITABLE_ROOT_0_EXCLUDED_3", "/w/sub/.git"),
            ("WRITABLE_ROOT_1", "/w/sub"),
            ("WRITABLE_ROOT_1_EXCLUDED_0", "/w/sub/.git"),
            ("WRITABLE_ROOT_1_EXCLUDED_1", "/w/sub/.agents"),
            ("WRITABLE_ROOT_1_EXCLUDED_2", "/w/sub/.codex"),
        ]
    );
}

#[test]
fn empty_command_is_refused() {
    let err =
        seatbelt_command(&SandboxPolicy::DangerFullAccess, Path::new("/"), &[], None).unwrap_err();
    assert!(matches!(err, SandboxError::InvalidCommand(_)));
}

#[test]
fn relative_cwd_is_refused() {
    let policy = SandboxPolicy::ReadOnly {
        network_access: false,
    };
    let err = seatbelt_command(&policy, Path::new("rel"), &command(), None).unwrap_err();
    assert!(matches!(err, SandboxError::RelativeCwd(_)));
}

#[test]
fn whole_profile_for_workspace_write_with_network() {
    let policy = ResolvedPolicy {
        denied: Vec::new(),
        full_disk_write: false,
        writable_roots: vec![
            root("/Users/me/repo", &["/Users/me/repo/.git"]),
            root("/private/tmp", &[]),
        ],
        network: true,
    };
    let profile = seatbelt_profile(&policy);
    assert_eq!(profile.text, GOLDEN_WORKSPACE_WRITE_NETWORK);
    let args = profile.args(&["true".to_owned()]);
    let expected: Vec<String> = [
        "-p",
        GOLDEN_WORKSPACE_WRITE_NETWORK,
        "-DWRITABLE_ROOT_0=/Users/me/repo",
        "-DWRITABLE_ROOT_0_EXCLUDED_0=/Users/me/repo/.git",
        "-DWRITABLE_ROOT_0_EXCLUDED_1=/Users/me/repo/.agents",
        "-DWRITABLE_ROOT_0_EXCLUDED_2=/Users/me/repo/.codex",
        "-DWRITABLE_ROOT_1=/private/tmp",
        "-DWRITABLE_ROOT_1_EXCLUDED_0=/private/tmp/.git",
        "-DWRITABLE_ROOT_1_EXCLUDED_1=/private/tmp/.agents",
        "-DWRITABLE_ROOT_1_EXCLUDED_2=/private/tmp/.codex",
        "--",
        "true",
    ]
    .map(str::to_owned)
    .to_vec();
    assert_eq!(args, expected);
}

const GOLDEN_WORKSPACE_WRITE_NETWORK: &str = r##"(version 1)

; recodex: the part of every Seatbelt profile that does not depend on the policy.
; Nothing is allowed unless a rule below (or a later section) says so. The set
; of operations follows the reference's base policy, which itself follows
; Chromium's renderer sandbox.
(deny default)

; Processes: run programs, fork, and signal or inspect only processes that are
; inside this same sandbox. Children stay confined: they inherit the profile.
(allow process-exec)
(allow process-fork)
(allow signal (target same-sandbox))
(allow process-info* (target same-sandbox))

; Writing to /dev/null is harmless; everything else written needs a root.
(allow file-write-data
  (require-all
    (path "/dev/null")
    (vnode-type CHARACTER-DEVICE)))

; Read-only system facts that runtimes ask for (CPU count and features, page
; size, memory size, OS version, host name, load average, own process info).
(allow sysctl-read
  (sysctl-name "hw.activecpu")
  (sysctl-name "hw.busfrequency_compat")
  (sysctl-name "hw.byteorder")
  (sysctl-name "hw.cacheconfig")
  (sysctl-name "hw.cachelinesize_compat")
  (sysctl-name "hw.cpufamily")
  (sysctl-name "hw.cpufrequency")
  (sysctl-name "hw.cpufrequency_compat")
  (sysctl-name "hw.cputype")
  (sysctl-name "hw.l1dcachesize_compat")
  (sysctl-name "hw.l1icachesize_compat")
  (sysctl-name "hw.l2cachesize_compat")
  (sysctl-name "hw.l3cachesize_compat")
  (sysctl-name "hw.logicalcpu")
  (sysctl-name "hw.logicalcpu_max")
  (sysctl-name "hw.machine")
  (sysctl-name "hw.memsize")
  (sysctl-name "hw.model")
  (sysctl-name "hw.ncpu")
  (sysctl-name "hw.nperflevels")
  (sysctl-name "hw.packages")
  (sysctl-name "hw.pagesize")
  (sysctl-name "hw.pagesize_compat")
  (sysctl-name "hw.physicalcpu")
  (sysctl-name "hw.physicalcpu_max")
  (sysctl-name "hw.tbfrequency_compat")
  (sysctl-name "hw.vectorunit")
  (sysctl-name-prefix "hw.optional.arm.")
  (sysctl-name-prefix "hw.optional.armv8_")
  (sysctl-name-prefix "hw.perflevel")
  (sysctl-name "kern.argmax")
  (sysctl-name "kern.hostname")
  (sysctl-name "kern.maxfilesperproc")
  (sysctl-name "kern.maxproc")
  (sysctl-name "kern.osproductversion")
  (sysctl-name "kern.osrelease")
  (sysctl-name "kern.ostype")
  (sysctl-name "kern.osvariant_status")
  (sysctl-name "kern.osversion")
  (sysctl-name "kern.secure_kernel")
  (sysctl-name "kern.usrstack64")
  (sysctl-name "kern.version")
  (sysctl-name-prefix "kern.proc.pgrp.")
  (sysctl-name-prefix "kern.proc.pid.")
  (sysctl-name "machdep.cpu.brand_string")
  (sysctl-name-prefix "net.routetable.")
  (sysctl-name "sysctl.proc_cputype")
  (sysctl-name "vm.loadavg")
)

; The JVM reads the CPU type through a sysctl that the kernel classes as a
; write (the caller hands over a buffer); it changes nothing.
(allow sysctl-write
  (sysctl-name "kern.grade_cputype"))

; Power-management client used when querying the machine.
(allow iokit-open
  (iokit-registry-entry-class "RootDomainUserClient"))

; System services: user and group lookups (getpwuid and friends), power
; assertions, and the preferences daemon (read access only, see the end).
(allow mach-lookup
  (global-name "com.apple.system.opendirectoryd.libinfo")
  (global-name "com.apple.PowerManagement.control")
  (global-name "com.apple.cfprefsd.daemon")
  (global-name "com.apple.cfprefsd.agent")
  (local-name "com.apple.cfprefsd.agent"))

; POSIX semaphores (Python multiprocessing locks).
(allow ipc-posix-sem)

; OpenMP runtimes (libomp, e.g. under PyTorch) register themselves through a
; shared-memory object with this one name pattern; nothing else is opened.
(allow ipc-posix-shm-read-data
  ipc-posix-shm-write-create
  ipc-posix-shm-write-unlink
  (ipc-posix-name-regex #"^/__KMP_REGISTERED_LIB_[0-9]+$"))

; Pseudo-terminals: openpty(), the master device, and the terminals this
; sandbox created. Terminals opened before the sandbox started carry no
; extension, so they only get ioctl (enough for a shell to see a TTY).
(allow pseudo-tty)
(allow file-read* file-write* file-ioctl (literal "/dev/ptmx"))
(allow file-read* file-write*
  (require-all
    (regex #"^/dev/ttys[0-9]+")
    (extension "com.apple.sandbox.pty")))
(allow file-ioctl (regex #"^/dev/ttys[0-9]+"))

; User preferences may be read, never written.
(allow ipc-posix-shm-read* (ipc-posix-name-prefix "apple.cfprefs."))
(allow user-preference-read)

; reads are not confined
(allow file-read*)

; writes only inside the writable roots, never into their protected paths
(allow file-write*
  (require-all (subpath (param "WRITABLE_ROOT_0")) (require-not (literal (param "WRITABLE_ROOT_0_EXCLUDED_0"))) (require-not (subpath (param "WRITABLE_ROOT_0_EXCLUDED_0"))) (require-not (literal (param "WRITABLE_ROOT_0_EXCLUDED_1"))) (require-not (subpath (param "WRITABLE_ROOT_0_EXCLUDED_1"))) (require-not (literal (param "WRITABLE_ROOT_0_EXCLUDED_2"))) (require-not (subpath (param "WRITABLE_ROOT_0_EXCLUDED_2"))))
  (require-all (subpath (param "WRITABLE_ROOT_1")) (require-not (literal (param "WRITABLE_ROOT_1_EXCLUDED_0"))) (require-not (subpath (param "WRITABLE_ROOT_1_EXCLUDED_0"))) (require-not (literal (param "WRITABLE_ROOT_1_EXCLUDED_1"))) (require-not (subpath (param "WRITABLE_ROOT_1_EXCLUDED_1"))) (require-not (literal (param "WRITABLE_ROOT_1_EXCLUDED_2"))) (require-not (subpath (param "WRITABLE_ROOT_1_EXCLUDED_2"))))
)

; network traffic is allowed
(allow network-outbound)
(allow network-inbound)

; recodex: what a command needs on top of open sockets to reach the network.
; Only AF_SYSTEM sockets of protocol 2 (the platform's network-configuration
; control sockets) are allowed among system sockets.
(allow system-socket
  (require-all
    (socket-domain AF_SYSTEM)
    (socket-protocol 2)))

; Services behind name resolution, proxies and TLS certificate checks.
(allow mach-lookup
  (global-name "com.apple.SystemConfiguration.DNSConfiguration")
  (global-name "com.apple.SystemConfiguration.configd")
  (global-name "com.apple.SecurityServer")
  (global-name "com.apple.networkd")
  (global-name "com.apple.ocspd")
  (global-name "com.apple.trustd.agent")
  (global-name "com.apple.bsd.dirhelper")
  (global-name "com.apple.system.opendirectoryd.membership"))

; The routing table, for picking an interface.
(allow sysctl-read
  (sysctl-name-regex #"^net.routetable"))
"##;
