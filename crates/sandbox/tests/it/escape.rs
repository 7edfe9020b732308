//! The attempts, the allowed operations, and the runner that counts escapes.

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use recodex_protocol::permissions::SandboxPolicy;
use recodex_sandbox::{LINUX_SANDBOX_ARG0, linux_sandbox_args, probe_support};

/// Set to a reference `codex` binary to run the same table through its helper (needs
/// `bwrap`); the suite then reports instead of failing.
const REFERENCE_ENV: &str = "RECODEX_SANDBOX_REFERENCE";

const SECRET: &str = "secret\n";
const PROJECT_CONFIG: &str = "model = \"o3\"\n";

/// The host side of the suite: directories, listeners and helper processes.
struct Fixture {
    _base: tempfile::TempDir,
    base: PathBuf,
    ws: PathBuf,
    /// A second workspace whose `.codex` is a symlink to a decoy directory.
    ws_linked: PathBuf,
    outside: PathBuf,
    tmpdir: PathBuf,
    exe: PathBuf,
    port4: u16,
    port6: Option<u16>,
    _unix_socket: PathBuf,
    sleeper: std::process::Child,
    block_device: Option<PathBuf>,
    tag: String,
    _listeners: (
        std::net::TcpListener,
        Option<std::net::TcpListener>,
        std::os::unix::net::UnixListener,
        std::os::unix::net::UnixDatagram,
    ),
}

fn run_host(cmd: &mut Command) {
    let status = cmd.status().unwrap();
    assert!(status.success(), "{cmd:?} failed");
}

impl Fixture {
    fn new() -> Self {
        // Not under /tmp: /tmp is a writable root under workspace-write, so "outside"
        // must lie elsewhere. The target dir qualifies unless the checkout itself sits
        // under /tmp (as in a CI clone there); then /var/tmp, which is not a root.
        let target_tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let root = if target_tmp.starts_with("/tmp") {
            Path::new("/var/tmp/recodex-sandbox-tests")
        } else {
            target_tmp
        };
        fs::create_dir_all(root).unwrap();
        let base_dir = tempfile::Builder::new()
            .prefix("escape-")
            .tempdir_in(root)
            .unwrap();
        let base = fs::canonicalize(base_dir.path()).unwrap();
        let ws = base.join("ws");
        let ws_linked = base.join("ws-linked");
        let outside = base.join("outside");
        let tmpdir = base.join("tmpdir");
        for dir in [&ws, &ws_linked.join("decoy"), &outside, &tmpdir] {
            fs::create_dir_all(dir).unwrap();
        }
        std::os::unix::fs::symlink("decoy", ws_linked.join(".codex")).unwrap();
        fs::write(outside.join("secret.txt"), SECRET).unwrap();
        fs::set_permissions(
            outside.join("secret.txt"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        fs::write(ws.join("README.md"), "hello\n").unwrap();
        run_host(Command::new("git").args(["init", "-q"]).current_dir(&ws));
        run_host(
            Command::new("git")
                .args([
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@example.com",
                    "commit",
                    "-q",
                    "--allow-empty",
                    "-m",
                    "init",
                ])
                .current_dir(&ws),
        );
        fs::create_dir(ws.join(".codex")).unwrap();
        fs::write(ws.join(".codex/config.toml"), PROJECT_CONFIG).unwrap();

        let exe = std::env::current_exe().unwrap();
        // Setuid copies of this binary: one owned by an unmapped uid, one owned by root.
        let suid_other = outside.join("suid-other");
        fs::copy(&exe, &suid_other).unwrap();
        std::os::unix::fs::chown(&suid_other, Some(1234), Some(1234)).unwrap();
        fs::set_permissions(&suid_other, fs::Permissions::from_mode(0o4755)).unwrap();
        let suid_root = outside.join("suid-root");
        fs::copy(&exe, &suid_root).unwrap();
        fs::set_permissions(&suid_root, fs::Permissions::from_mode(0o4755)).unwrap();

        let listener4 = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port4 = listener4.local_addr().unwrap().port();
        let listener6 = std::net::TcpListener::bind("[::1]:0").ok();
        let port6 = listener6.as_ref().map(|l| l.local_addr().unwrap().port());
        let unix_socket = outside.join("sock");
        let unix_listener = std::os::unix::net::UnixListener::bind(&unix_socket).unwrap();
        let datagram = std::os::unix::net::UnixDatagram::bind(outside.join("dgram")).unwrap();
        let sleeper = Command::new("sleep").arg("600").spawn().unwrap();
        let block_device = fs::read_dir("/sys/block")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| {
                !name.starts_with("loop") && !name.starts_with("zram") && !name.starts_with("ram")
            })
            .map(|name| Path::new("/dev").join(name))
            .find(|path| path.exists());
        Self {
            _base: base_dir,
            tag: format!("recodex-sandbox-it-{}", std::process::id()),
            base,
            ws,
            ws_linked,
            outside,
            tmpdir,
            exe,
            port4,
            port6,
            _unix_socket: unix_socket,
            sleeper,
            block_device,
            _listeners: (listener4, listener6, unix_listener, datagram),
        }
    }

    /// Replaces `$OUT`, `$WS`, `$BASE`, `$TAG`, `$HOSTPID`, `$P4` in a script.
    fn expand(&self, script: &str) -> String {
        script
            .replace("$OUT", &self.outside.display().to_string())
            .replace("$WSL", &self.ws_linked.display().to_string())
            .replace("$WS", &self.ws.display().to_string())
            .replace("$BASE", &self.base.display().to_string())
            .replace("$TAG", &self.tag)
            .replace("$HOSTPID", &std::process::id().to_string())
            .replace("$P4", &self.port4.to_string())
    }

    fn read(&self, path: &Path) -> Option<String> {
        fs::read_to_string(path).ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    ReadOnly,
    WorkspaceWrite,
    ReadOnlyNoProc,
    WorkspaceWriteNetwork,
    FullAccess,
    /// Workspace-write in the workspace whose `.codex` is a symlink.
    WorkspaceWriteLinked,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::ReadOnly => "read-only",
            Mode::WorkspaceWrite => "workspace-write",
            Mode::ReadOnlyNoProc => "read-only --no-proc",
            Mode::WorkspaceWriteNetwork => "workspace-write +network",
            Mode::FullAccess => "danger-full-access",
            Mode::WorkspaceWriteLinked => "workspace-write (.codex symlink)",
        }
    }

    fn policy(self) -> SandboxPolicy {
        match self {
            Mode::ReadOnly | Mode::ReadOnlyNoProc => SandboxPolicy::ReadOnly {
                network_access: false,
            },
            Mode::WorkspaceWrite | Mode::WorkspaceWriteLinked => SandboxPolicy::WorkspaceWrite {
                writable_roots: Vec::new(),
                network_access: false,
                exclude_tmpdir_env_var: false,
                exclude_slash_tmp: false,
            },
            Mode::WorkspaceWriteNetwork => SandboxPolicy::WorkspaceWrite {
                writable_roots: Vec::new(),
                network_access: true,
                exclude_tmpdir_env_var: false,
                exclude_slash_tmp: false,
            },
            Mode::FullAccess => SandboxPolicy::DangerFullAccess,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The command must fail and leave no trace on the host.
    Deny,
    /// The command may succeed inside (a private resource) but must leave no trace outside.
    NoHostEffect,
    /// The command must succeed (and leave the expected trace).
    Allow,
}

/// Builds a command line from the fixture.
type ArgvFn = Box<dyn Fn(&Fixture) -> Vec<OsString>>;

type HostCheck = Box<dyn Fn(&Fixture) -> Result<(), String>>;

struct Case {
    name: &'static str,
    modes: &'static [Mode],
    expect: Expect,
    argv: ArgvFn,
    /// Checked after the run: `Err` means the host saw an effect it should not (deny) or
    /// missed one it should (allow).
    host: Option<HostCheck>,
    /// Run the same command unconfined first: it must succeed there, or the attempt proves
    /// nothing.
    control: bool,
    /// The case needs something the fixture may lack (IPv6 loopback, a block device).
    available: fn(&Fixture) -> bool,
}

const BOTH: &[Mode] = &[Mode::ReadOnly, Mode::WorkspaceWrite];
const RO: &[Mode] = &[Mode::ReadOnly];
const WW: &[Mode] = &[Mode::WorkspaceWrite];

fn always(_: &Fixture) -> bool {
    true
}

fn sh(script: &'static str) -> ArgvFn {
    Box::new(move |fx: &Fixture| vec!["sh".into(), "-c".into(), fx.expand(script).into()])
}

fn bash(script: &'static str) -> ArgvFn {
    Box::new(move |fx: &Fixture| vec!["bash".into(), "-c".into(), fx.expand(script).into()])
}

fn probe(args: &'static [&'static str]) -> ArgvFn {
    Box::new(move |fx: &Fixture| {
        let mut argv: Vec<OsString> = vec![fx.exe.clone().into(), "probe".into()];
        argv.extend(args.iter().map(|a| OsString::from(fx.expand(a))));
        argv
    })
}

/// A command line without the `it probe` prefix (for the setuid copies of this binary).
fn raw(args: &'static [&'static str]) -> ArgvFn {
    Box::new(move |fx: &Fixture| args.iter().map(|a| OsString::from(fx.expand(a))).collect())
}

fn absent(rel: &'static str) -> Option<HostCheck> {
    Some(Box::new(move |fx: &Fixture| {
        let path = PathBuf::from(fx.expand(rel));
        if fs::symlink_metadata(&path).is_ok() {
            Err(format!("{} exists on the host", path.display()))
        } else {
            Ok(())
        }
    }))
}

fn present(rel: &'static str) -> Option<HostCheck> {
    Some(Box::new(move |fx: &Fixture| {
        let path = PathBuf::from(fx.expand(rel));
        if fs::symlink_metadata(&path).is_ok() {
            Ok(())
        } else {
            Err(format!("{} is missing on the host", path.display()))
        }
    }))
}

fn unchanged(rel: &'static str, content: &'static str) -> Option<HostCheck> {
    Some(Box::new(move |fx: &Fixture| {
        let path = PathBuf::from(fx.expand(rel));
        match fx.read(&path) {
            Some(text) if text == content => Ok(()),
            other => Err(format!("{} changed: {other:?}", path.display())),
        }
    }))
}

fn deny(name: &'static str, modes: &'static [Mode], argv: ArgvFn, host: Option<HostCheck>) -> Case {
    Case {
        name,
        modes,
        expect: Expect::Deny,
        argv,
        host,
        control: false,
        available: always,
    }
}

fn deny_ctl(name: &'static str, argv: ArgvFn) -> Case {
    Case {
        name,
        modes: BOTH,
        expect: Expect::Deny,
        argv,
        host: None,
        control: true,
        available: always,
    }
}

fn allow(
    name: &'static str,
    modes: &'static [Mode],
    argv: ArgvFn,
    host: Option<HostCheck>,
) -> Case {
    Case {
        name,
        modes,
        expect: Expect::Allow,
        argv,
        host,
        control: false,
        available: always,
    }
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    vec![
        // Filesystem: outside the writable roots.
        deny("write a new file outside the roots", BOTH, sh("echo x > $OUT/new.txt"), absent("$OUT/new.txt")),
        deny("overwrite a file outside the roots", BOTH, sh("echo pwned > $OUT/secret.txt"), unchanged("$OUT/secret.txt", SECRET)),
        deny("truncate a file outside the roots", BOTH, sh(": > $OUT/secret.txt"), unchanged("$OUT/secret.txt", SECRET)),
        deny("chmod a file outside the roots", BOTH, sh("chmod 666 $OUT/secret.txt"), Some(Box::new(|fx: &Fixture| {
            let mode = fs::metadata(fx.outside.join("secret.txt")).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
            if mode == 0o644 { Ok(()) } else { Err(format!("mode is now {mode:o}")) }
        }))),
        deny("delete a file outside the roots", BOTH, sh("rm -f $OUT/secret.txt"), present("$OUT/secret.txt")),
        deny("rename an outside file into the workspace", BOTH, sh("mv $OUT/secret.txt ./stolen"), present("$OUT/secret.txt")),
        deny("write in the workspace (read-only policy)", RO, sh("echo x > ro.txt"), absent("$WS/ro.txt")),
        deny("write /tmp (read-only policy)", RO, sh("echo x > /tmp/$TAG-ro"), absent("/tmp/$TAG-ro")),
        deny("create a file in /dev", BOTH, sh("touch /dev/evil"), None),
        deny("write the host's /sys", BOTH, sh("echo 0 > /sys/kernel/profiling"), None),
        // Protected metadata inside the root.
        deny("append to .git/config", BOTH, sh("echo '[evil]' >> .git/config"), Some(Box::new(|fx: &Fixture| {
            match fx.read(&fx.ws.join(".git/config")) { Some(t) if !t.contains("[evil]") => Ok(()), other => Err(format!("config: {other:?}")) }
        }))),
        deny("add a git hook", BOTH, sh("echo 'echo pwned' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit"), absent("$WS/.git/hooks/pre-commit")),
        deny("rename .git away", BOTH, sh("mv .git .git-moved"), absent("$WS/.git-moved")),
        deny("delete .git/HEAD", BOTH, sh("rm -f .git/HEAD"), present("$WS/.git/HEAD")),
        deny("rename a file out of .git", BOTH, sh("mv .git/HEAD ./HEAD-stolen"), present("$WS/.git/HEAD")),
        deny("write .codex/config.toml", BOTH, sh("echo 'approval_policy = \"never\"' >> .codex/config.toml"), unchanged("$WS/.codex/config.toml", PROJECT_CONFIG)),
        deny("replace .codex with a new directory", BOTH, sh("rm -rf .codex; mkdir -p .codex && echo 'model = \"x\"' > .codex/config.toml"), unchanged("$WS/.codex/config.toml", PROJECT_CONFIG)),
        deny("rename .codex and recreate it", BOTH, sh("mv .codex .codex-old && mkdir .codex"), absent("$WS/.codex-old")),
        deny("create the missing .agents", BOTH, sh("mkdir -p .agents/skills && echo x > .agents/skills/evil.md"), absent("$WS/.agents")),
        deny("replace the missing .agents placeholder", BOTH, sh("rm -f .agents; mv README.md .agents"), present("$WS/README.md")),
        // Missing metadata names under the other writable roots (issue 22.1): a `.git` planted
        // in /tmp or $TMPDIR runs its hooks or fsmonitor unconfined under a later `git`.
        deny("create the missing $TMPDIR/.git", WW, sh("mkdir -p \"$TMPDIR/.git\" && echo x > \"$TMPDIR/.git/config\""), absent("$BASE/tmpdir/.git")),
        deny("replace the missing $TMPDIR/.codex placeholder", WW, sh("rmdir \"$TMPDIR/.codex\" ; mkdir \"$TMPDIR/.codex\" && echo x > \"$TMPDIR/.codex/config.toml\""), absent("$BASE/tmpdir/.codex")),
        Case { name: "plant /tmp/.git with core.fsmonitor", modes: WW, expect: Expect::Deny, argv: sh("mkdir -p /tmp/.git && printf '[core]\\n\\tfsmonitor = touch $OUT/fsmonitor.txt\\n' > /tmp/.git/config"), host: absent("/tmp/.git"), control: false, available: |_| fs::symlink_metadata("/tmp/.git").is_err() },
        Case { name: "create the missing /tmp/.codex", modes: WW, expect: Expect::Deny, argv: sh("mkdir -p /tmp/.codex/skills && echo x > /tmp/.codex/config.toml"), host: absent("/tmp/.codex"), control: false, available: |_| fs::symlink_metadata("/tmp/.codex").is_err() },
        Case { name: "create the missing /tmp/.agents", modes: WW, expect: Expect::Deny, argv: sh("mkdir -p /tmp/.agents/skills"), host: absent("/tmp/.agents"), control: false, available: |_| fs::symlink_metadata("/tmp/.agents").is_err() },
        // Links and /proc.
        deny("symlink out of the root", BOTH, sh("ln -s $OUT out-link; echo x > out-link/via-link.txt"), absent("$OUT/via-link.txt")),
        deny("symlink to an outside file", BOTH, sh("ln -sf $OUT/secret.txt s-link; echo pwned > s-link"), unchanged("$OUT/secret.txt", SECRET)),
        deny("hard link an outside file", BOTH, sh("ln $OUT/secret.txt hard-link && echo pwned >> hard-link"), unchanged("$OUT/secret.txt", SECRET)),
        deny("/proc/self/root path", BOTH, sh("echo x > /proc/self/root$OUT/procroot.txt"), absent("$OUT/procroot.txt")),
        deny("/proc/1/root path", BOTH, sh("echo x > /proc/1/root$OUT/proc1.txt"), absent("$OUT/proc1.txt")),
        deny("/proc/<host pid>/root path", BOTH, sh("echo x > /proc/$HOSTPID/root$OUT/hostpid.txt"), absent("$OUT/hostpid.txt")),
        deny("/proc/self/cwd/.. path", BOTH, sh("echo x > /proc/self/cwd/../outside/cwd.txt"), absent("$OUT/cwd.txt")),
        // Mounts and namespaces.
        deny("remount / read-write (mount(2))", BOTH, probe(&["remount-rw", "/"]), None),
        deny("remount .git read-write", BOTH, probe(&["remount-rw", "$WS/.git"]), None),
        deny("unmount .git", BOTH, probe(&["umount", "$WS/.git"]), None),
        deny("unmount .codex", BOTH, probe(&["umount", "$WS/.codex"]), None),
        deny("bind the workspace over an outside dir", BOTH, probe(&["bind-mount", "$WS", "$OUT"]), None),
        deny("mount -o remount,rw / (util-linux)", BOTH, sh("mount -o remount,rw / && touch $OUT/remount.txt"), absent("$OUT/remount.txt")),
        deny("umount .git, then add a hook (util-linux)", WW, sh("umount .git; echo x > .git/hooks/post-checkout"), absent("$WS/.git/hooks/post-checkout")),
        deny("remount,bind / read-write, then write outside", BOTH, sh("mount -o remount,rw,bind / ; echo x > $OUT/rebind.txt"), absent("$OUT/rebind.txt")),
        deny("unshare -Ur then write (util-linux)", BOTH, sh("unshare -Urm sh -c 'mount -o remount,rw / ; touch $OUT/unshare.txt'"), absent("$OUT/unshare.txt")),
        deny_ctl("unshare(CLONE_NEWUSER)", probe(&["unshare-user"])),
        deny_ctl("unshare(CLONE_NEWNS)", probe(&["unshare-mount"])),
        deny_ctl("clone(CLONE_NEWUSER)", probe(&["clone-newuser"])),
        deny_ctl("clone3", probe(&["clone3"])),
        deny_ctl("setns", probe(&["setns"])),
        deny_ctl("chroot", probe(&["chroot", "/"])),
        // Other processes and the kernel.
        deny_ctl("ptrace(PTRACE_TRACEME)", probe(&["ptrace-traceme"])),
        deny("ptrace the sandbox's init", BOTH, probe(&["ptrace-attach", "1"]), None),
        deny_ctl("process_vm_readv", probe(&["process-vm-readv"])),
        deny_ctl("io_uring_setup", probe(&["io-uring"])),
        deny_ctl("keyctl", probe(&["keyctl"])),
        deny_ctl("bpf", probe(&["bpf"])),
        deny_ctl("TIOCSTI terminal injection", probe(&["tiocsti"])),
        deny("x32 system call numbers", BOTH, probe(&["x32-getpid"]), None),
        Case { name: "signal a host process", modes: BOTH, expect: Expect::Deny, argv: Box::new(|fx: &Fixture| {
            vec![fx.exe.clone().into(), "probe".into(), "kill".into(), fx.sleeper.id().to_string().into()]
        }), host: None, control: true, available: always },
        deny_ctl("hold any capability", probe(&["has-capabilities"])),
        deny_ctl("setuid binary (other owner) changes euid", raw(&["$OUT/suid-other", "probe", "euid-changed"])),
        deny_ctl("setuid-root binary regains capabilities", raw(&["$OUT/suid-root", "probe", "has-capabilities"])),
        deny_ctl("mknod a device node", probe(&["mknod", "$BASE/mknod-attempt"])),
        Case { name: "open the host disk read-write", modes: BOTH, expect: Expect::Deny, argv: Box::new(|fx: &Fixture| {
            let dev = fx.block_device.clone().unwrap_or_default();
            vec![fx.exe.clone().into(), "probe".into(), "open-rw".into(), dev.into()]
        }), host: None, control: false, available: |fx| fx.block_device.is_some() },
        // Network.
        deny_ctl("IPv4 connect to a host listener", probe(&["connect", "127.0.0.1:$P4"])),
        Case { name: "IPv6 connect to a host listener", modes: BOTH, expect: Expect::Deny, argv: Box::new(|fx: &Fixture| {
            let addr = format!("[::1]:{}", fx.port6.unwrap_or(1));
            vec![fx.exe.clone().into(), "probe".into(), "connect".into(), addr.into()]
        }), host: None, control: true, available: |fx| fx.port6.is_some() },
        deny_ctl("socket(AF_INET)", probe(&["socket-inet"])),
        deny_ctl("socket(AF_INET6)", probe(&["socket-inet6"])),
        deny_ctl("socket(AF_NETLINK)", probe(&["socket-netlink"])),
        deny_ctl("connect to an outside Unix socket", probe(&["unix-connect", "$OUT/sock"])),
        deny_ctl("send a datagram to an outside Unix socket", probe(&["unix-dgram-send", "$OUT/dgram"])),
        deny("bash /dev/tcp connect", BOTH, bash("exec 3<>/dev/tcp/127.0.0.1/$P4"), None),
        Case { name: "write /dev/shm (private)", modes: BOTH, expect: Expect::NoHostEffect, argv: sh("echo x > /dev/shm/$TAG"), host: absent("/dev/shm/$TAG"), control: false, available: always },

        // Allowed operations.
        allow("read a file outside the roots", BOTH, sh("grep -q secret $OUT/secret.txt"), None),
        allow("read /etc/passwd", BOTH, sh("grep -q root /etc/passwd"), None),
        allow("git status", BOTH, sh("git status --porcelain >/dev/null && git log --oneline -1 >/dev/null"), None),
        allow("/dev/null, /dev/zero, /dev/urandom", BOTH, sh("echo x > /dev/null && test $(head -c 8 /dev/zero | wc -c) = 8 && test $(head -c 8 /dev/urandom | wc -c) = 8"), None),
        allow("/dev/tty, /dev/pts and /dev/ptmx exist", BOTH, sh("test -c /dev/tty && test -d /dev/pts && test -e /dev/ptmx && test -c /dev/full"), None),
        allow("only the minimal devices in /dev", BOTH, sh("test $(ls /dev | wc -l) -le 14"), None),
        allow("pipes and subprocesses", BOTH, sh("echo hi | tr a-z A-Z | grep -q HI && (sleep 0 & wait)"), None),
        allow("fresh /proc shows only the sandbox", BOTH, sh("test $(ls -d /proc/[0-9]* | wc -l) -lt 10 && grep -q '^Seccomp:.*2' /proc/self/status && grep -q '^NoNewPrivs:.*1' /proc/self/status"), None),
        allow("socketpair(AF_UNIX)", BOTH, probe(&["unix-pair"]), None),
        allow("socket(AF_UNIX)", BOTH, probe(&["socket-unix"]), None),
        allow("/dev/shm is usable", BOTH, sh("echo x > /dev/shm/t && grep -q x /dev/shm/t"), None),
        allow("run /bin/true", RO, sh("/bin/true"), None),
        allow("write in the workspace", WW, sh("echo ok > allowed.txt && mkdir -p d/e && mv allowed.txt d/e/ && grep -q ok d/e/allowed.txt"), present("$WS/d/e/allowed.txt")),
        allow("write /tmp", WW, sh("echo ok > /tmp/$TAG"), present("/tmp/$TAG")),
        allow("write $TMPDIR", WW, sh("echo ok > \"$TMPDIR/t.txt\""), present("$BASE/tmpdir/t.txt")),
        allow("run a script written in the workspace", WW, sh("printf '#!/bin/sh\\necho hi\\n' > run.sh && chmod +x run.sh && ./run.sh | grep -q hi"), None),
        allow("write through a symlink inside the root", WW, sh("mkdir -p real && ln -sfn real alias && echo x > alias/f && test -f real/f"), present("$WS/real/f")),
        allow("hard link inside the root", WW, sh("echo x > h1 && ln -f h1 h2 && test -f h2"), present("$WS/h2")),
    ]
}

#[rustfmt::skip]
fn extra_cases() -> Vec<Case> {
    vec![
        allow("--no-proc: /proc is empty", &[Mode::ReadOnlyNoProc], sh("test -z \"$(ls -A /proc)\""), None),
        deny("--no-proc: /proc/<host pid>/root path", &[Mode::ReadOnlyNoProc], sh("echo x > /proc/$HOSTPID/root$OUT/noproc.txt"), absent("$OUT/noproc.txt")),
        allow("network on: IPv4 connect", &[Mode::WorkspaceWriteNetwork], probe(&["connect", "127.0.0.1:$P4"]), None),
        deny("network on: .git stays read-only", &[Mode::WorkspaceWriteNetwork], sh("echo x > .git/hooks/post-commit"), absent("$WS/.git/hooks/post-commit")),
        allow("full access: write outside", &[Mode::FullAccess], sh("echo ok > $OUT/full-access.txt"), present("$OUT/full-access.txt")),
        allow("full access: IPv4 connect", &[Mode::FullAccess], probe(&["connect", "127.0.0.1:$P4"]), None),
        deny("write through a symlinked .codex", &[Mode::WorkspaceWriteLinked], sh("echo x > .codex/config.toml"), absent("$WSL/decoy/config.toml")),
        deny("replace a symlinked .codex", &[Mode::WorkspaceWriteLinked], sh("rm -f .codex; mkdir .codex"), Some(Box::new(|fx: &Fixture| {
            let meta = fs::symlink_metadata(fx.ws_linked.join(".codex")).map_err(|e| e.to_string())?;
            if meta.file_type().is_symlink() { Ok(()) } else { Err(".codex is no longer the symlink".to_owned()) }
        }))),
        allow("write next to a symlinked .codex", &[Mode::WorkspaceWriteLinked], sh("echo ok > decoy-sibling.txt"), present("$WSL/decoy-sibling.txt")),
    ]
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
}

fn run_command(fx: &Fixture, mode: Option<Mode>, argv: &[OsString]) -> Outcome {
    let ws = if mode == Some(Mode::WorkspaceWriteLinked) {
        &fx.ws_linked
    } else {
        &fx.ws
    };
    let helper = std::env::var_os(REFERENCE_ENV).map_or_else(|| fx.exe.clone(), PathBuf::from);
    let mut cmd = Command::new(&helper);
    match mode {
        Some(mode) => {
            let mut args = linux_sandbox_args(&mode.policy(), ws, ws, argv);
            if mode == Mode::ReadOnlyNoProc {
                args.insert(0, "--no-proc".into());
            }
            cmd.arg0(LINUX_SANDBOX_ARG0).args(args);
        }
        None => {
            cmd = Command::new(&argv[0]);
            cmd.args(&argv[1..]);
        }
    }
    let stderr_path = fx.base.join("stderr.txt");
    let stderr_file = fs::File::create(&stderr_path).unwrap();
    cmd.current_dir(ws)
        .env("TMPDIR", &fx.tmpdir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file);
    let mut child = cmd.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Outcome {
        code: status.and_then(|s| s.code()),
        stderr: fs::read_to_string(&stderr_path).unwrap_or_default(),
    }
}

/// Puts the fixture back the way the cases expect it (an escape could have changed it).
fn reset(fx: &Fixture) {
    fs::write(fx.outside.join("secret.txt"), SECRET).unwrap();
    fs::set_permissions(
        fx.outside.join("secret.txt"),
        fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    for leftover in [
        "new.txt",
        "via-link.txt",
        "procroot.txt",
        "proc1.txt",
        "hostpid.txt",
        "cwd.txt",
        "remount.txt",
        "rebind.txt",
        "unshare.txt",
        "noproc.txt",
        "fsmonitor.txt",
    ] {
        let _ = fs::remove_file(fx.outside.join(leftover));
    }
    let _ = fs::remove_file(fx.base.join("mknod-attempt"));
    let _ = fs::remove_file(fx.ws.join(".git/hooks/post-checkout"));
    let _ = fs::remove_file(format!("/tmp/{}", fx.tag));
    let _ = fs::remove_file(format!("/tmp/{}-ro", fx.tag));
    let _ = fs::remove_file(format!("/dev/shm/{}", fx.tag));
}

#[derive(Default)]
struct Tally {
    attempts: usize,
    escapes: usize,
    allowed: usize,
    refused_allowed: usize,
    vacuous: usize,
    skipped: usize,
    broken: usize,
}

pub(crate) fn run_suite() -> ExitCode {
    let support = probe_support();
    println!("kernel support: {support:?}");
    if let Some(missing) = support.missing() {
        println!("escape suite SKIPPED: {missing}");
        return ExitCode::SUCCESS;
    }
    let mut fx = Fixture::new();
    let mut tally = Tally::default();
    let mut all = cases();
    all.extend(extra_cases());
    println!("{:<32} {:<48} result", "policy", "attempt");
    for mode in [
        Mode::ReadOnly,
        Mode::WorkspaceWrite,
        Mode::ReadOnlyNoProc,
        Mode::WorkspaceWriteNetwork,
        Mode::FullAccess,
        Mode::WorkspaceWriteLinked,
    ] {
        for case in all.iter().filter(|c| c.modes.contains(&mode)) {
            reset(&fx);
            let verdict = run_case(&fx, mode, case, &mut tally);
            println!("{:<32} {:<48} {}", mode.name(), case.name, verdict);
        }
    }
    let _ = fx.sleeper.kill();
    let _ = fx.sleeper.wait();
    // Placeholders for missing names are removed when the sandbox ends (the reference
    // leaves empty directories behind in /tmp).
    let mut placeholders = vec![fx.ws.join(".agents")];
    placeholders.extend([".git", ".agents", ".codex"].map(|name| fx.tmpdir.join(name)));
    for path in placeholders {
        if fs::symlink_metadata(&path).is_ok() {
            println!("placeholder {} was not cleaned up", path.display());
            tally.broken += 1;
        }
    }
    println!(
        "\nescape suite: {} attempts, {} escapes; {} allowed operations, {} refused; {} unconfined controls failed; {} skipped; {} sandbox errors",
        tally.attempts,
        tally.escapes,
        tally.allowed,
        tally.refused_allowed,
        tally.vacuous,
        tally.skipped,
        tally.broken
    );
    reset(&fx);
    if let Some(reference) = std::env::var_os(REFERENCE_ENV) {
        println!(
            "(helper: {}; comparison run, not a verdict)",
            reference.to_string_lossy()
        );
        return ExitCode::SUCCESS;
    }
    if tally.escapes + tally.refused_allowed + tally.vacuous + tally.broken == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_case(fx: &Fixture, mode: Mode, case: &Case, tally: &mut Tally) -> String {
    if !(case.available)(fx) {
        tally.skipped += 1;
        return "skipped (not available on this machine)".to_owned();
    }
    let argv = (case.argv)(fx);
    if case.control {
        let control = run_command(fx, None, &argv);
        reset(fx);
        if control.code != Some(0) {
            tally.vacuous += 1;
            return format!(
                "CONTROL FAILED unconfined ({:?}): {}",
                control.code,
                control.stderr.trim()
            );
        }
    }
    let outcome = run_command(fx, Some(mode), &argv);
    let host = case.host.as_ref().map_or(Ok(()), |check| check(fx));
    let sandbox_error = outcome.stderr.contains(&format!("{LINUX_SANDBOX_ARG0}:"))
        || outcome.stderr.contains("bubblewrap")
        || outcome.stderr.starts_with("bwrap:");
    if sandbox_error {
        tally.broken += 1;
        return format!("SANDBOX ERROR: {}", outcome.stderr.trim());
    }
    match case.expect {
        Expect::Deny | Expect::NoHostEffect => {
            tally.attempts += 1;
            let ran_ok = outcome.code == Some(0) && case.expect == Expect::Deny;
            if ran_ok || host.is_err() {
                tally.escapes += 1;
                format!("ESCAPE (exit {:?}; host: {host:?})", outcome.code)
            } else if case.expect == Expect::NoHostEffect {
                "contained (private to the sandbox)".to_owned()
            } else {
                "denied".to_owned()
            }
        }
        Expect::Allow => {
            tally.allowed += 1;
            if outcome.code == Some(0) && host.is_ok() {
                "allowed".to_owned()
            } else {
                tally.refused_allowed += 1;
                format!(
                    "REFUSED (exit {:?}; host: {host:?}): {}",
                    outcome.code,
                    outcome.stderr.trim()
                )
            }
        }
    }
}
