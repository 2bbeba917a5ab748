// `exec -t` under runtimes that take --console-socket in the foreground (crun): the runtime
// allocates the exec's pty inside the container and sends its master over a unix socket; a small
// relay receives it, copies the exec's stdin to it and its output to stdout, and exits with the
// runtime's status (the process's exit code, as `crun exec` reports it).
//
// Why not script(1) as for runc (terminal.ts): in the foreground without a console socket, crun
// copies the pty to its own stdout until the process exits, and then hands whatever was still
// unread to its error logger, which prints it to stderr framed as an error line (a colored
// timestamp and a newline, since script gives it a terminal). The end of a session's output came
// out mangled whenever the process exited before crun read it (1 time in 5 here). crun 1.8 also
// ignores SIGWINCH in that mode, so a resize never reached the process. With the relay holding
// the master, output is read to the end (EIO once the last writer closed the pty), and the exec's
// pty is the process's own stdio, which terminal-size.ts finds and resizes directly.
//
// Node cannot receive a file descriptor over a unix socket (no SCM_RIGHTS in node:net), so the
// relay is a few lines of Python's standard library, as the attach relay is (monitor-attach.ts).

import { findOnPath } from './executable-lookup.ts';

/**
 * argv: console socket path, then the runtime's argv (which names that socket). Exits with the
 * runtime's status; when the runtime fails before sending a terminal, its stderr says why (it is
 * this process's stderr). After the runtime exits, output is read until the pty reports EIO; a
 * background process still holding the terminal gets half a second of quiet before the relay
 * stops, so it cannot hold the session open.
 */
const RELAY = `
import os, select, socket, subprocess, sys
path, argv = sys.argv[1], sys.argv[2:]
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
code = runtime.wait()
sys.exit(code if code >= 0 else 128 - code)
`;

/** Runtimes known to send the terminal to --console-socket while they wait in the foreground. */
export function takesForegroundConsoleSocket(runtimeName: string): boolean {
  return runtimeName === 'crun';
}

/** python3 on the daemon's PATH, which the relay needs; undefined when there is none. */
export function findRelayPython(searchPath = process.env.PATH ?? ''): string | undefined {
  return findOnPath('python3', searchPath) ?? findOnPath('python3.11', searchPath);
}

/** The relay's command line for `argv` (which must already name `socketPath` as its --console-socket). */
export function underConsoleRelay(python: string, socketPath: string, argv: string[]): { command: string; args: string[] } {
  return { command: python, args: ['-c', RELAY, socketPath, ...argv] };
}
