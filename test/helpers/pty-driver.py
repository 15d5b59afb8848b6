"""Runs a command in a pseudo-terminal and answers its prompts, like `expect`.

usage: pty-driver.py <steps.json> <cmd> [args...]
steps.json: [[regex, text to send], ...]; each regex is awaited (in the output since the previous match) before its
text is sent. Prints the whole transcript on stdout; exits with the child's exit code, or 124 if a regex never came
(within 20 s).
"""
import json, os, pty, re, select, sys, time

steps = json.load(open(sys.argv[1]))
pid, fd = pty.fork()
if pid == 0:
    os.environ['TERM'] = 'xterm'
    os.execvp(sys.argv[2], sys.argv[2:])

transcript = b''
seen = 0

def read_some(timeout):
    global transcript
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    transcript += data
    return True

def plain():
    return re.sub(rb'\x1b\[[0-9;?]*[A-Za-z]', b'', transcript).decode('utf-8', 'replace')

status = None
for pattern, answer in steps:
    deadline = time.time() + 20
    while True:
        text = plain()
        match = re.search(pattern, text[seen:])
        if match:
            seen += match.end()
            break
        if time.time() > deadline or not read_some(0.2):
            sys.stdout.write(plain())
            sys.stdout.write('\n[pty-driver] timed out waiting for %r\n' % pattern)
            os.kill(pid, 9)
            sys.exit(124)
    time.sleep(0.15)
    os.write(fd, answer.encode('utf-8'))

deadline = time.time() + 20
while time.time() < deadline and read_some(0.2):
    done, code = os.waitpid(pid, os.WNOHANG)
    if done:
        status = code
        break
while read_some(0.1):
    pass
if status is None:
    _, status = os.waitpid(pid, 0)
sys.stdout.write(plain())
sys.exit(os.waitstatus_to_exitcode(status))
