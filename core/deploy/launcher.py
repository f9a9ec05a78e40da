"""Starts one release of a service: the ASGI app under uvicorn, on a socket bound with SO_REUSEPORT.

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
    sys.path.insert(0, os.getcwd())

    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            if self.started and not self.should_exit:
                write_atomically(args.ready_file, f"{port}\n")

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
    if args.standby_file:
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
