// What a failed start means for the container's record and for `docker run`: Docker sets the
// exit code to 127 when the command was not found, 126 when it could not be executed, 128
// otherwise, and the docker CLI picks its own exit status from the message's wording
// ("executable file not found" / "no such file or directory" → 127, "permission denied" → 126,
// else 125). runc's messages carry those words; crun says "executable file `x` not found in
// $PATH", so the message gets Docker's wording added where the runtime's lacks it, and
// `docker run` exits the same way under both.

export interface StartFailure {
  exitCode: 126 | 127 | 128;
  message: string;
}

export function classifyStartFailure(message: string): StartFailure {
  const notFound = /executable file.*not found|no such file or directory/i.test(message);
  if (notFound) {
    const docker = /executable file not found|no such file or directory/.test(message);
    return { exitCode: 127, message: docker ? message : `${message} (executable file not found)` };
  }
  if (/permission denied|EACCES/i.test(message)) {
    return { exitCode: 126, message: /permission denied/.test(message) ? message : `${message} (permission denied)` };
  }
  return { exitCode: 128, message };
}
