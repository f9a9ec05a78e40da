"""Starts one release of a service: the ASGI app under uvicorn, on a socket bound with SO_REUSEPORT.

With --restart it also supervises: the app runs in a child process that is restarted, with backoff, when
it dies without being told to stop, and the supervisor gives up after too many quick deaths in a row
(see `supervise`). --state-file then tells the host agent the state, the server's pid and the restarts.

Shipped inside every release as `.assembly-line/launch.py` and run with the release's own venv python from
the release directory. SO_REUSEPORT lets the new release bind the service port while the old one still
serves, so the cutover leaves no moment in which the port answers nothing. Once the server listens, the
bound port is written to --ready-file: the host agent waits for that file, not for a log line. With
--standby-file the app is imported and the port bound (not listened on) at once, and serving starts only
when that file appears: the cutover then costs no import time.

The service gets a clean environment: the release's variables from `.assembly-line/release.json`, plus
PORT, SERVICE_NAME, SERVICE_VERSION and ASSEMBLY_LINE_RELEASE_ID. Nothing of the deployer's leaks in.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
import time


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="launch.py")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 asks the OS for a free port")
    parser.add_argument("--ready-file")
    parser.add_argument("--pid-file", help="for starts that do not go through the host agent (systemd)")
    parser.add_argument("--standby-file", help="load and bind, then wait for this file before serving")
    parser.add_argument("--standby-timeout", type=float, default=600.0)
    parser.add_argument(
        "--restart",
        metavar="DELAY,MAX_DELAY,LIMIT,FAST",
        help="supervise: restart a server that dies after it served, waiting DELAY s doubling up to MAX_DELAY s;"
        " give up after LIMIT crashes in a row that each came within FAST s of their start",
    )
    parser.add_argument("--state-file", help="with --restart: where the supervisor writes state, pid and restarts")
    parser.add_argument("--check-requirements", metavar="FILE")
    parser.add_argument("--write-missing", metavar="FILE", help="with --check-requirements: what pip must install")
    parser.add_argument(
        "--release-file",
        default=os.path.join(".assembly-line", "release.json"),
        help="the release's name, version, id, app and env (UDC verification passes one outside the service)",
    )
    return parser.parse_args(argv)


def missing_requirements(path):
    """The lines of requirements FILE that the interpreter does not already satisfy.

    Only the requirements themselves are checked, not what they in turn require: Debian's packages pin one
    another loosely, and pip's resolver refuses some combinations Debian ships and that work together.
    Anything this cannot judge (options, URLs, no `packaging` module) is returned as missing, so pip sees it.
    """
    with open(path, encoding="utf-8") as handle:
        lines = [line.split(" #")[0].strip() for line in handle]
    lines = [line for line in lines if line and not line.startswith("#")]
    try:
        from importlib.metadata import PackageNotFoundError, version
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:
        return lines
    missing = []
    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            missing.append(line)
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            missing.append(line)
            continue
        if requirement.url or not requirement.specifier.contains(installed, prereleases=True):
            missing.append(line)
    return missing


def load_release(path):
    with open(path, encoding="utf-8") as handle:
        release = json.load(handle)
    if not isinstance(release.get("env"), dict):
        raise ValueError(f"{path}: 'env' must be an object")
    return release


def bind_socket(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def write_atomically(path, text):
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


# Long enough for the event loop to read a request from a connection it just accepted.
SHUTDOWN_DRAIN_SECONDS = 0.25


def wait_for_file(path, timeout):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def iso_now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def parse_policy(text):
    delay, max_delay, limit, fast = text.split(",")
    return float(delay), float(max_delay), int(limit), float(fast)


def describe_exit(status):
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    return f"exit code {os.WEXITSTATUS(status)}"


def end_with_parent(parent):
    """The server gets SIGTERM when its supervisor dies: no server outlives what would restart it (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the supervisor died before the line above took effect
        os._exit(1)


def run_server(args, sock, port, release, standby, supervisor, on_serving):
    """The forked server process: never returns into the supervisor's loop."""
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    end_with_parent(supervisor)
    try:
        code = serve(args, sock, port, release, standby, on_serving)
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else 1
    except BaseException:  # noqa: BLE001 - whatever kills the server is the log's news, then a crash
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def supervise(args, sock, port, release):
    """Runs the server in a child process and restarts it when it dies without being told to stop.

    The listening socket stays open here, so connections that arrive while the server restarts wait in
    its backlog instead of being refused. A server that dies before it ever served is a failed start, not
    a crash: the supervisor exits with its code, as an unsupervised launcher would. A server that keeps
    dying soon after each start is given up on: the state file says `failed`, with the last exit.
    """
    delay, max_delay, limit, fast = parse_policy(args.restart)
    state = {"state": "starting", "pid": "", "restarts": 0, "last_exit": "", "since": iso_now()}

    def write_state(**changes):
        state.update(changes)
        if args.state_file:
            write_atomically(args.state_file, "".join(f"{key}={value}\n" for key, value in state.items()))

    stopping = []
    child = None

    def stop(number, frame):
        if stopping:
            return
        stopping.append(number)
        # This copy of the socket must not linger: the server's copy keeps listening through its drain.
        sock.close()
        if child:
            try:
                os.kill(child, signal.SIGTERM)  # a second SIGTERM does no harm to a draining uvicorn
            except ProcessLookupError:
                pass

    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, stop)

    supervisor = os.getpid()
    standby = bool(args.standby_file)
    crashes = 0  # in a row, each within `fast` seconds of its start
    served = False
    while True:
        started = time.monotonic()
        child = os.fork()
        if child == 0:
            # The server itself says when it serves: until then, a restarted one is still `restarting`.
            serving = lambda: write_state(state="running", pid=os.getpid())  # noqa: E731
            run_server(args, sock, port, release, standby, supervisor, serving)
        _, status = os.waitpid(child, 0)
        child = None
        if stopping:
            return 0
        served = served or os.path.exists(args.ready_file)
        if not served:
            # The first server never served: a failed start, which the deploy reports; nothing to restart.
            return os.WEXITSTATUS(status) if os.WIFEXITED(status) and os.WEXITSTATUS(status) else 1
        standby = False
        crashes = crashes + 1 if time.monotonic() - started < fast else 1
        ended = describe_exit(status)
        if crashes > limit:
            write_state(state="failed", pid="", last_exit=ended, since=iso_now())
            print(
                f"launch: gave up: the server died {crashes} times in a row within {fast:g} s of its start"
                f" (last: {ended})",
                file=sys.stderr,
                flush=True,
            )
            sock.close()
            return 5
        wait = min(delay * 2 ** (crashes - 1), max_delay)
        # The restart is counted when it is decided, with the state that announces it: a reader that sees
        # `restarting` sees its number too, however soon it looks.
        write_state(state="restarting", pid="", restarts=state["restarts"] + 1, last_exit=ended, since=iso_now())
        print(f"launch: the server died ({ended}); restarting in {wait:g} s", file=sys.stderr, flush=True)
        deadline = time.monotonic() + wait
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.05)
        if stopping:
            return 0


def main(argv):
    args = parse_args(argv)
    if args.check_requirements:
        missing = missing_requirements(args.check_requirements)
        if args.write_missing:
            write_atomically(args.write_missing, "".join(f"{line}\n" for line in missing))
        for line in missing:
            print(f"requirement not satisfied by the system: {line}", file=sys.stderr)
        return 1 if missing else 0
    if not args.ready_file:
        print("launch: --ready-file is required", file=sys.stderr)
        return 2
    try:
        os.setsid()  # a session of its own: the service outlives the ssh session or CLI that started it
    except OSError:
        pass
    if args.pid_file:
        write_atomically(args.pid_file, f"{os.getpid()}\n")
    release = load_release(args.release_file)
    try:
        sock = bind_socket(args.bind, args.port)
    except OSError as error:
        print(f"launch: cannot bind {args.bind}:{args.port}: {error.strerror}", file=sys.stderr, flush=True)
        return 3
    port = sock.getsockname()[1]

    for key, value in release["env"].items():
        os.environ[str(key)] = str(value)
    os.environ["PORT"] = str(port)
    for key, field in (("SERVICE_NAME", "name"), ("SERVICE_VERSION", "version")):
        if release.get(field):
            os.environ.setdefault(key, str(release[field]))
    os.environ["ASSEMBLY_LINE_RELEASE_ID"] = str(release.get("release_id", ""))
    if args.restart:
        return supervise(args, sock, port, release)
    return serve(args, sock, port, release, bool(args.standby_file))


def serve(args, sock, port, release, standby, on_serving=None):
    """Runs the app under uvicorn on the bound socket until it is told to stop; the process's exit code."""
    sys.path.insert(0, os.getcwd())

    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.started and not self.should_exit:
                write_atomically(args.ready_file, f"{port}\n")
                if on_serving:
                    on_serving()

        async def shutdown(self, sockets=None):
            # uvicorn closes at once every connection that has not sent its request yet, so a request on
            # its way at a cutover would be lost. Stop listening first (the new release takes the new
            # connections), let those already accepted deliver their requests, then shut down, which
            # lets requests in progress finish.
            for server in getattr(self, "servers", []):
                server.close()
            for listening in sockets or []:
                listening.close()
            await asyncio.sleep(SHUTDOWN_DRAIN_SECONDS)
            await super().shutdown(sockets=sockets)

    app = str(release.get("app", "app.main:app"))
    config = uvicorn.Config(app, host=args.bind, port=port, log_level="info", access_log=False)
    if standby:
        # Import the app now and hold the bound (not yet listening) socket: a bound socket takes no
        # connections, so the release that serves the port keeps every one until this one is told to go.
        config.load()
        write_atomically(f"{args.ready_file}.standby", f"{port}\n")
        print(f"launch: release {release.get('release_id')} standing by on {args.bind}:{port}", flush=True)
        if not wait_for_file(args.standby_file, args.standby_timeout):
            print(f"launch: no go within {args.standby_timeout:.0f} s; giving up", file=sys.stderr, flush=True)
            return 4
    print(f"launch: release {release.get('release_id')} serving {app} on {args.bind}:{port}", flush=True)
    Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
