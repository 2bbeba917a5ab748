// `exec -t` under an OCI runtime: the runtime allocates the exec's pty inside the container and
// sends its master over a unix socket (--console-socket); a small relay receives it, copies the
// exec's stdin to it and its output to stdout, and exits with the process's exit code.
//
// crun takes a console socket in the foreground and reports the process's code itself. runc takes
// one only with -d (detached): the relay then makes itself a child subreaper, so the exec'd
// process, orphaned when `runc exec -d` returns, becomes its child, and it waits for that pid
// (from --pid-file) instead.
//
// Why not script(1) (terminal.ts) in the foreground: both runtimes then copy the pty to their own
// stdout themselves, and both lose. crun hands whatever was still unread when the process exits
// to its error logger, which prints it to stderr framed as an error line (1 session in 5 here),
// and crun 1.8 ignores SIGWINCH in that mode. runc sets script's pty raw only once the process
// runs, so output written before that gets a second CR ("\r\r\n", 1 session in 20 even with
// script's pty set -opost first). With the relay holding the master, output is read to the end
// (EIO once the last writer closed the pty), nothing rewrites it, and the exec's pty is the
// process's own stdio, which terminal-size.ts finds and resizes directly.
//
// Node cannot receive a file descriptor over a unix socket (no SCM_RIGHTS in node:net), so the
// relay is a few lines of Python's standard library, as the attach relay is (monitor-attach.ts).

import { findOnPath } from './executable-lookup.ts';

/**
 * argv: a pid file ("-" in the foreground), the console socket path, then the runtime's argv
 * (which names both). Exits with the process's code (128+n for a signal); when the runtime fails
 * before sending a terminal, it exits with the runtime's status and the runtime's stderr says why
 * (it is this process's stderr). After the runtime exits, output is read until the pty reports EIO; a
 * background process still holding the terminal gets half a second of quiet before the relay
 * stops, so it cannot hold the session open.
 */
const RELAY = `
import ctypes, os, select, socket, subprocess, sys
pid_file, path, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
if pid_file != "-":
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
runtime = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=2, stderr=2)
exited = os.pidfd_open(runtime.pid)
master = None
while master is None:
    ready = select.select([server, exited], [], [])[0]
    if server in ready:
        conn = server.accept()[0]
        fds = socket.recv_fds(conn, 1024, 1)[1]
        conn.close()
        if fds: master = fds[0]
    elif exited in ready:
        break
server.close()
os.unlink(path)
process = None
if master is not None and pid_file != "-":
    code = runtime.wait()
    if code != 0: sys.exit(code if code >= 0 else 128 - code)
    with open(pid_file) as f: process = int(f.read().strip())
    os.unlink(pid_file)
    exited = os.pidfd_open(process)
def write_all(fd, data):
    while data: data = data[os.write(fd, data):]
if master is not None:
    watched = [0, master, exited]
    while master in watched:
        ready = select.select(watched, [], [], None if exited in watched else 0.5)[0]
        if not ready: break
        if 0 in ready:
            data = os.read(0, 65536)
            if data: write_all(master, data)
            else: watched.remove(0)
        if master in ready:
            try: data = os.read(master, 65536)
            except OSError: data = b""
            if data: write_all(1, data)
            else: watched.remove(master)
        if exited in ready:
            watched.remove(exited)
            if 0 in watched: watched.remove(0)
if process is None:
    code = runtime.wait()
    sys.exit(code if code >= 0 else 128 - code)
code = os.waitstatus_to_exitcode(os.waitpid(process, 0)[1])
sys.exit(code if code >= 0 else 128 - code)
`;

/**
 * Runtimes known to send the terminal to --console-socket while they wait in the foreground
 * (crun); the others (runc) take one with -d only.
 */
export function takesForegroundConsoleSocket(runtimeName: string): boolean {
  return runtimeName === 'crun';
}

/** python3 on the daemon's PATH, which the relay needs; undefined when there is none. */
export function findRelayPython(searchPath = process.env.PATH ?? ''): string | undefined {
  return findOnPath('python3', searchPath) ?? findOnPath('python3.11', searchPath);
}

/**
 * The relay's command line for `argv`, which must already name `socketPath` as its
 * --console-socket and, when it detaches (runc exec -d), `pidFile` as its --pid-file.
 */
export function underConsoleRelay(python: string, socketPath: string, argv: string[], pidFile?: string): { command: string; args: string[] } {
  return { command: python, args: ['-c', RELAY, pidFile ?? '-', socketPath, ...argv] };
}
