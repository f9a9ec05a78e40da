#!/bin/sh
# Host side of the deploy targets: every step that touches a deploy host. The local target runs it as
# `sh -c SCRIPT host-agent serve BOUNDARY`, the ssh target as `ssh HOST sh -c SCRIPT host-agent serve
# BOUNDARY`, so both share one implementation (`sh host-agent.sh COMMAND ARGS` runs one command by hand).
# Plain POSIX sh plus `mv -T`, `readlink`, `mktemp -d` and fractional `sleep` (GNU, BSD and busybox all
# have them). Results go to stdout as `key=value` lines; failures go to stderr with a non-zero exit:
# 75 = lock busy, 76 = lock lost, 1 = anything else.
#
# Layout under ROOT/NAME: releases/ID/ (service files, .venv, .assembly-line/{release.json,port,launch.py}),
# current -> releases/ID, logs/ID.log, run/KEY.{pid,port} (KEY = ID on the service port, or ID.staging on
# a free port for the health gate), deploy.lock, audit.log, archive/ID (releases that failed).

set -u
LC_ALL=C
export LC_ALL
umask 022

fail() {
  printf '%s\n' "$*" >&2
  exit 1
}

# Twenty naps make a second, wherever sleep takes fractions.
nap() { sleep 0.05 2>/dev/null || sleep 1; }
now() { date +%s; }
iso_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# ROOT may start with ~/ : it means the deploy user's home on the host.
set_paths() {
  case $1 in
    "~") root=$HOME ;;
    "~/"*) root=$HOME/${1#"~/"} ;;
    *) root=$1 ;;
  esac
  name=$2
  case $name in
    "" | *[!a-z0-9-]*) fail "invalid service name '$name'" ;;
  esac
  dir=$root/$name
}

check_release_id() {
  case $1 in
    "" | *[!0-9A-Za-z-]*) fail "invalid release id '$1'" ;;
  esac
}

ensure_layout() {
  # One message, with mkdir's first reason: each of the four folders would say the same thing again.
  if ! why=$(mkdir -p "$dir/releases" "$dir/logs" "$dir/run" "$dir/archive" 2>&1); then
    fail "cannot create $dir ($(printf '%s\n' "$why" | head -n 1))"
  fi
}

audit() { # who action release outcome detail
  detail=$(printf '%s' "$5" | tr '\t\n\r' '   ')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(iso_now)" "$1" "$2" "${3:--}" "$4" "$detail" >>"$dir/audit.log"
}

# ---------------------------------------------------------------------------------------------- lock
# deploy.lock is created atomically with `ln` (fails when it exists) from a fully written temporary file, so
# a reader never sees a half-written lock. It holds the holder, pid, release, a token and the time of the
# holder's last step; every step with the token refreshes the time, and a lock idle for longer than the
# stale timeout is broken (and the break is written to the audit log).

lock_field() { sed -n "s/^$1=//p" "$dir/deploy.lock" 2>/dev/null | head -n 1; }

write_lock_file() { # path token holder pid release host
  printf 'holder=%s\npid=%s\nhost=%s\nrelease=%s\nsince=%s\ntime=%s\ntoken=%s\n' \
    "$3" "$4" "$6" "$5" "$(iso_now)" "$(now)" "$2" >"$1"
}

describe_lock() {
  printf '%s (pid %s, release %s, since %s)' "$(lock_field holder)" "$(lock_field pid)" \
    "$(lock_field release)" "$(lock_field since)"
}

# A holder on this very host whose process is gone (killed, crashed) left its lock behind: broken at once.
holder_gone() {
  held_pid=$(lock_field pid)
  [ "$(lock_field host)" = "$(uname -n)" ] || return 1
  case $held_pid in "" | *[!0-9]*) return 1 ;; esac
  [ ! -d "/proc/$held_pid" ]
}

lock_acquire() { # token holder pid release wait_s stale_s [host]
  deadline=$(($(now) + $5))
  broke=
  while :; do
    temporary=$dir/.deploy.lock.$$
    write_lock_file "$temporary" "$1" "$2" "$3" "$4" "${7:-}"
    if ln "$temporary" "$dir/deploy.lock" 2>/dev/null; then
      rm -f "$temporary"
      return 0
    fi
    rm -f "$temporary"
    held_token=$(lock_field token)
    held_time=$(lock_field time)
    case $held_time in "" | *[!0-9]*) held_time=0 ;; esac # unreadable: as good as stale
    why=
    if holder_gone; then
      why="its process $held_pid on this host is gone"
    elif [ $(($(now) - held_time)) -gt "$6" ]; then
      why="after $6 s without activity"
    fi
    if [ -n "$why" ]; then
      held_by=$(describe_lock)
      aside=$dir/.deploy.lock.stale.$$
      if mv "$dir/deploy.lock" "$aside" 2>/dev/null; then
        if [ "$(sed -n 's/^token=//p' "$aside")" = "$held_token" ]; then
          broke=$held_by
          audit "$2" lock-broken "$4" ok "stale lock of $held_by broken: $why"
        else
          # Someone else broke it and took a fresh lock in between: put theirs back.
          ln "$aside" "$dir/deploy.lock" 2>/dev/null
        fi
        rm -f "$aside"
      fi
      continue
    fi
    if [ "$(now)" -ge "$deadline" ]; then
      printf 'deploy of %s is locked by %s; gave up after waiting %s s\n' "$name" "$(describe_lock)" "$5" >&2
      exit 75
    fi
    nap
  done
}

# Every step of a deploy proves it still holds the lock and refreshes its time.
lock_touch() { # token
  if [ "$(lock_field token)" != "$1" ]; then
    if [ -f "$dir/deploy.lock" ]; then
      printf 'lost the deploy lock of %s: now held by %s\n' "$name" "$(describe_lock)" >&2
    else
      printf 'lost the deploy lock of %s: it was removed\n' "$name" >&2
    fi
    exit 76
  fi
  temporary=$dir/.deploy.lock.$$
  sed "s/^time=.*/time=$(now)/" "$dir/deploy.lock" >"$temporary" && mv -f "$temporary" "$dir/deploy.lock"
}

lock_release() { # token
  [ "$(lock_field token)" = "$1" ] && rm -f "$dir/deploy.lock"
  return 0
}

# -------------------------------------------------------------------------------------------- releases
current_release() {
  target=$(readlink "$dir/current" 2>/dev/null) || return 0
  printf '%s\n' "${target##*/}"
}

release_ids() { ls "$dir/releases" 2>/dev/null | grep -E '^[0-9A-Za-z-]+$'; }

previous_release() { # the newest release older than the current one
  cur=$(current_release)
  [ -n "$cur" ] || return 0
  release_ids | awk -v cur="$cur" '$0 < cur { prev = $0 } END { if (prev != "") print prev }'
}

switch_current() { # release id, or empty to remove the link
  if [ -z "$1" ]; then
    rm -f "$dir/current"
    return 0
  fi
  rm -f "$dir/current.tmp"
  ln -s "releases/$1" "$dir/current.tmp" || fail "cannot create $dir/current.tmp"
  mv -T "$dir/current.tmp" "$dir/current" 2>/dev/null ||
    python3 -c 'import os, sys; os.replace(sys.argv[1], sys.argv[2])' "$dir/current.tmp" "$dir/current" ||
    fail "cannot switch $dir/current to releases/$1"
}

release_port() { cat "$dir/releases/$1/.assembly-line/port" 2>/dev/null; }

archive_release() {
  [ -d "$dir/releases/$1" ] || return 0
  rm -rf "$dir/archive/$1"
  mv "$dir/releases/$1" "$dir/archive/$1"
}

prune() { # keep protect: keep the newest KEEP releases, never the current one or PROTECT, nor a running one
  cur=$(current_release)
  count=0
  for id in $(release_ids | sort -r); do
    count=$((count + 1))
    [ "$count" -le "$1" ] && continue
    [ "$id" = "$cur" ] || [ "$id" = "$2" ] && continue
    running_pid "$id" >/dev/null && continue
    running_pid "$id.staging" >/dev/null && continue
    rm -rf "$dir/releases/$id" "$dir/logs/$id.log"
    printf 'pruned=%s\n' "$id"
  done
  count=0
  for id in $(ls "$dir/archive" 2>/dev/null | sort -r); do
    count=$((count + 1))
    [ "$count" -le "$1" ] && continue
    rm -rf "$dir/archive/$id" "$dir/logs/$id.log"
  done
}

# ------------------------------------------------------------------------------------------- instances
# An instance is one process serving one release: KEY is the release id (the service port) or
# ID.staging (a free port, for the health gate before cutover).

# A process that exited but was not reaped yet (a zombie) counts as gone: a service whose parent shell has
# left is reaped by init, and some inits (containers, microVMs) reap only now and then.
alive() { # pid
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 1)
    [ "$state" = Z ] && return 1
  fi
  return 0
}

# The pid of KEY's instance if it runs. A pid file that outlived its process (a reboot) may name a pid
# reused by something else: where /proc tells, only launch.py counts (or, for the few milliseconds before
# it execs, the agent's own subshell).
running_pid() { # key
  pid=$(cat "$dir/run/$1.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && alive "$pid" || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -e 'assembly-line/launch.py' -e 'host-agent' || return 1
  fi
  printf '%s\n' "$pid"
}

install_release() { # release python
  release_dir=$dir/releases/$1
  [ -f "$release_dir/.venv/.assembly-line-installed" ] && {
    echo installed=reused
    return 0
  }
  rm -rf "$release_dir/.venv"
  # The same requirements as the current release: its venv serves this one too (a venv run through
  # `python -m` or a script does not depend on where it lies; only its console scripts would).
  cur=$(current_release)
  if [ -n "$cur" ] && [ "$cur" != "$1" ] && [ -f "$dir/releases/$cur/.venv/.assembly-line-installed" ] &&
    cmp -s "$dir/releases/$cur/requirements.txt" "$release_dir/requirements.txt" &&
    cp -pR "$dir/releases/$cur/.venv" "$release_dir/.venv" 2>/dev/null; then
    echo installed=copied
    return 0
  fi
  rm -rf "$release_dir/.venv"
  # No pip in the venv by default: the system's packages usually satisfy the requirements already, and
  # creating a venv without pip takes milliseconds instead of seconds.
  "$2" -m venv --system-site-packages --without-pip "$release_dir/.venv" >>"$dir/logs/$1.log" 2>&1 ||
    fail "cannot create a venv with $2 -m venv (is python3-venv installed?)"
  venv_python=$release_dir/.venv/bin/python
  missing=$release_dir/.missing-requirements.txt # beside requirements.txt: its -r lines stay valid
  how=system
  if [ -f "$release_dir/requirements.txt" ] &&
    ! "$venv_python" "$release_dir/.assembly-line/launch.py" --check-requirements "$release_dir/requirements.txt" \
      --write-missing "$missing" >>"$dir/logs/$1.log" 2>&1; then
    if ! "$venv_python" -c 'import pip' 2>/dev/null; then
      rm -rf "$release_dir/.venv"
      "$2" -m venv --system-site-packages "$release_dir/.venv" >>"$dir/logs/$1.log" 2>&1 ||
        fail "cannot create a venv with pip with $2 -m venv"
    fi
    [ -s "$missing" ] || cp "$release_dir/requirements.txt" "$missing"
    # Only what the system lacks, with the resolver; when it refuses because the system packages' own pins
    # disagree (Debian's fastapi pins an older starlette than Debian ships), without dependencies.
    if "$venv_python" -m pip install -r "$missing" >>"$dir/logs/$1.log" 2>&1; then
      how=pip
    elif "$venv_python" -m pip install --no-deps -r "$missing" >>"$dir/logs/$1.log" 2>&1; then
      how=pip-no-deps
    else
      fail "pip could not install the requirements of release $1; see $dir/logs/$1.log"
    fi
  fi
  : >"$release_dir/.venv/.assembly-line-installed"
  echo "installed=$how"
}

# Starts the launcher in the background and records its pid. With a standby timeout, the instance loads
# the app and binds the port but serves only once run/KEY.go exists (the cutover creates it). An instance
# on the service port is supervised (restart_policy, set by the command): the launcher restarts its server
# when it dies and keeps run/KEY.state (state, the server's pid, restarts, last exit). A staging instance
# is not: a release that dies during its health gate has failed it.
restart_policy=
launch() { # release key bind port standby_timeout_s(or empty)
  rm -f "$dir/run/$2.pid" "$dir/run/$2.port" "$dir/run/$2.port.standby" "$dir/run/$2.go" "$dir/run/$2.state"
  printf '%s launch %s on %s:%s%s\n' "$(iso_now)" "$2" "$3" "$4" "${5:+ (standing by)}" >>"$dir/logs/$1.log"
  (
    cd "$dir/releases/$1" || exit 1
    log=$dir/logs/$1.log
    supervised=
    case $2 in *.staging) ;; *) [ -n "$restart_policy" ] && supervised=1 ;; esac
    state_file=$dir/run/$2.state # $2 is gone once the launcher's arguments replace them below
    if [ -n "$5" ]; then
      set -- --bind "$3" --port "$4" --ready-file "$dir/run/$2.port" --standby-file "$dir/run/$2.go" --standby-timeout "$5"
    else
      set -- --bind "$3" --port "$4" --ready-file "$dir/run/$2.port"
    fi
    if [ -n "$supervised" ]; then
      set -- "$@" --restart "$restart_policy" --state-file "$state_file"
    fi
    exec env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="${HOME:-/}" LANG="${LANG:-C.UTF-8}" \
      nohup .venv/bin/python .assembly-line/launch.py "$@" >>"$log" 2>&1 </dev/null
  ) &
  printf '%s\n' "$!" >"$dir/run/$2.pid"
}

# Waits until FILE is written, the instance dies, or the time is up (the instance is then stopped).
await_file() { # release key file timeout_s what
  pid=$(cat "$dir/run/$2.pid" 2>/dev/null)
  ticks=$(($4 * 20))
  while [ ! -s "$3" ]; do
    if [ -z "$pid" ] || ! alive "$pid"; then
      rm -f "$dir/run/$2.pid"
      printf 'release %s exited before it %s; see %s\n' "$1" "$5" "$dir/logs/$1.log" >&2
      return 1
    fi
    ticks=$((ticks - 1))
    if [ "$ticks" -le 0 ]; then
      stop_instances 2 "$2"
      printf 'release %s did not %s within %s s\n' "$1" "$5" "$4" >&2
      return 1
    fi
    nap
  done
}

start_instance() { # release key bind port start_timeout_s: a cold start, serving at once
  launch "$1" "$2" "$3" "$4" ""
  await_file "$1" "$2" "$dir/run/$2.port" "$5" "listened on $3:$4"
}

# TERM every instance at once (the launcher leads its own process group, so whatever the service started
# stops too), wait for all, KILL what is left.
stop_instances() { # stop_timeout_s key...
  ticks=$(($1 * 20))
  shift
  pids=
  for key in "$@"; do
    if pid=$(running_pid "$key"); then
      kill -s TERM -- "-$pid" 2>/dev/null || kill -s TERM "$pid" 2>/dev/null
      pids="$pids $pid"
    fi
  done
  while [ -n "$pids" ] && [ "$ticks" -gt 0 ]; do
    left=
    for pid in $pids; do
      alive "$pid" && left="$left $pid"
    done
    pids=$left
    ticks=$((ticks - 1))
    [ -n "$pids" ] && nap
  done
  for pid in $pids; do
    kill -s KILL -- "-$pid" 2>/dev/null || kill -s KILL "$pid" 2>/dev/null
  done
  for key in "$@"; do
    rm -f "$dir/run/$key.pid" "$dir/run/$key.port" "$dir/run/$key.port.standby" "$dir/run/$key.go" "$dir/run/$key.state"
  done
}

stop_all_except() { # keep_key stop_timeout_s; prints the keys it stopped
  keys=
  for pidfile in "$dir"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    key=${pidfile##*/}
    key=${key%.pid}
    [ "$key" = "$1" ] && continue
    if running_pid "$key" >/dev/null; then
      keys="$keys $key"
      printf 'stopped=%s\n' "$key"
    else
      rm -f "$pidfile" "$dir/run/$key.port" "$dir/run/$key.port.standby" "$dir/run/$key.go" "$dir/run/$key.state"
    fi
  done
  # Keys are release ids and ID.staging: no spaces, so the word splitting is safe.
  # shellcheck disable=SC2086
  [ -n "$keys" ] && stop_instances "$2" $keys
  return 0
}

# ------------------------------------------------------------------------------------- port ownership
# A port belongs to one service of one deploy root on a host. The launcher binds with SO_REUSEPORT so the
# next release of the same service can join the port before the old one leaves; the kernel would let any
# other process of this user join it too, and split the traffic. So before a release of this service may
# bind the port, every process listening on it must be a release of this very service.

# Prints why the port is not this service's to take, and fails; prints nothing when it is free or ours.
port_taken_by_other() { # port
  ours=$(cd "$dir" 2>/dev/null && pwd -P) || ours=$dir
  for pid in $(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | sed 's/pid=//' | sort -u); do
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=
    case $cwd in
      "$ours"/releases/*) continue ;;
      */releases/*)
        if [ -f "$cwd/.assembly-line/release.json" ]; then
          owner=${cwd%/releases/*}
          # Its supervisor and its server both hold the socket: name the server, as `ps` does.
          served=$(sed -n 's/^pid=//p' "$owner/run/${cwd##*/releases/}.state" 2>/dev/null | head -n 1)
          case $served in "" | *[!0-9]*) served=$pid ;; esac
          printf 'port %s is served by service %s of the deploy root %s (pid %s); a port belongs to one service: stop that one or choose another port\n' \
            "$1" "${owner##*/}" "${owner%/*}" "$served"
          return 0
        fi
        ;;
    esac
    printf 'port %s is already in use by pid %s (%s): Address already in use; stop it or choose another port\n' \
      "$1" "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null || echo unknown)"
    return 0
  done
  return 1
}

require_port() { # port
  if why=$(port_taken_by_other "$1"); then fail "$why"; fi
}

state_field() { # key field: from the supervisor's run/KEY.state
  sed -n "s/^$2=//p" "$dir/run/$1.state" 2>/dev/null | head -n 1
}

# The pid of the process that serves KEY: the supervised server, else the instance itself.
service_pid() { # key
  top=$(running_pid "$1") || return 1
  child=$(state_field "$1" pid)
  case $child in "" | *[!0-9]*) child=$top ;; esac
  printf '%s\n' "$child"
}

log_tail() { # release lines
  [ -f "$dir/logs/$1.log" ] && tail -n "$2" "$dir/logs/$1.log"
  return 0
}

# -------------------------------------------------------------------------------------------- commands

cmd_begin() { # root name token holder pid release wait_s stale_s [port] [host]
  set_paths "$1" "$2"
  [ "$6" = - ] || check_release_id "$6"
  ensure_layout
  lock_acquire "$3" "$4" "$5" "$6" "$7" "$8" "${10:-}"
  if [ "${9:--}" != - ] && why=$(port_taken_by_other "$9"); then
    lock_release "$3"
    fail "$why"
  fi
  cur=$(current_release)
  if [ "$6" != - ] && [ "$6" = "$cur" ]; then
    lock_release "$3"
    fail "release $6 is already the current release of $name"
  fi
  if [ "$6" != - ] && [ -d "$dir/releases/$6" ]; then # left over by a deploy that died half-way
    stop_instances 2 "$6.staging" "$6"
    rm -rf "$dir/releases/$6"
  fi
  echo "current=$cur"
  cur_port=
  if [ -n "$cur" ]; then
    cur_port=$(cat "$dir/run/$cur.port" 2>/dev/null) || cur_port=$(release_port "$cur")
  fi
  echo "current_port=$cur_port"
  echo "current_pid=$( [ -n "$cur" ] && service_pid "$cur")"
  echo "previous=$(previous_release)"
  echo "broke=$broke"
  echo "dir=$dir"
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then echo systemd=1; else echo systemd=0; fi
}

# Installs the release and starts it twice: on a free port for the health gate, and standing by on the
# service port (loaded and bound, not serving) so that the cutover does not wait for an import.
cmd_prepare() { # root name token release python start_timeout_s port bind standby_timeout_s restart_policy
  set_paths "$1" "$2"
  restart_policy=${10:-}
  check_release_id "$4"
  lock_touch "$3"
  [ -d "$dir/releases/$4" ] || fail "release $4 of $name is not on the host"
  require_port "$7"
  install_release "$4" "$5" || exit 1
  launch "$4" "$4.staging" 127.0.0.1 0 ""
  launch "$4" "$4" "$8" "$7" "$9"
  if ! await_file "$4" "$4.staging" "$dir/run/$4.staging.port" "$6" "listened on a staging port"; then
    stop_instances 2 "$4"
    exit 1
  fi
  if ! await_file "$4" "$4" "$dir/run/$4.port.standby" "$6" "bound $8:$7"; then
    stop_instances 2 "$4.staging"
    exit 1
  fi
  echo "staging_port=$(cat "$dir/run/$4.staging.port")"
  echo "staging_pid=$(cat "$dir/run/$4.staging.pid")"
}

# When the old instance closes its socket, Linux resets the connections it had queued but not yet
# accepted, a request lost now and then at every cutover, unless it may move them to another socket of the
# same SO_REUSEPORT group (net.ipv4.tcp_migrate_req, Linux 5.14+). Turned on where this user may; where it
# may not, the cutover still works and such a rare reset remains possible.
allow_request_migration() {
  knob=/proc/sys/net/ipv4/tcp_migrate_req
  [ -w "$knob" ] || return 0
  [ "$(cat "$knob" 2>/dev/null)" = 1 ] || echo 1 >"$knob" 2>/dev/null || true
}

# The old instance keeps serving while the new one starts listening on the same port (SO_REUSEPORT); the
# old one and the staging instance stop only once the new one listens.
cmd_promote() { # root name token release start_timeout_s stop_timeout_s
  set_paths "$1" "$2"
  check_release_id "$4"
  lock_touch "$3"
  before=$(current_release)
  require_port "$(cat "$dir/run/$4.port.standby" 2>/dev/null)"
  switch_current "$4"
  : >"$dir/run/$4.go"
  if ! await_file "$4" "$4" "$dir/run/$4.port" "$5" "listened on the service port"; then
    switch_current "$before"
    exit 1
  fi
  rm -f "$dir/run/$4.go" "$dir/run/$4.port.standby"
  echo "pid=$(service_pid "$4")"
  echo "previous=$before"
  allow_request_migration
  stop_all_except "$4" "$6"
}

cmd_restore() { # root name token failed_release old_release start_old port bind start_timeout_s stop_timeout_s restart_policy
  set_paths "$1" "$2"
  restart_policy=${11:-}
  check_release_id "$4"
  lock_touch "$3"
  keep=
  if [ -n "$5" ]; then
    check_release_id "$5"
    if [ "$6" = 1 ]; then
      start_instance "$5" "$5" "$8" "$7" "$9" || exit 1
      keep=$5
      echo "pid=$(service_pid "$5")"
    fi
  fi
  stop_all_except "$keep" "${10}"
  switch_current "$5"
  archive_release "$4"
}

cmd_abort() { # root name token release lines stop_timeout_s archive(1|0); prints the release's log tail
  set_paths "$1" "$2"
  check_release_id "$4"
  lock_touch "$3"
  if [ "$(current_release)" = "$4" ]; then
    stop_instances "$6" "$4.staging"
  else
    stop_instances "$6" "$4.staging" "$4"
  fi
  log_tail "$4" "$5"
  [ "$7" = 1 ] && [ "$(current_release)" != "$4" ] && archive_release "$4"
  return 0
}

cmd_finish() { # root name token keep protect who action release outcome detail
  set_paths "$1" "$2"
  lock_touch "$3"
  [ "$4" -gt 0 ] && prune "$4" "$5"
  audit "$6" "$7" "$8" "$9" "${10}"
  lock_release "$3"
}

cmd_unlock() { # root name token
  set_paths "$1" "$2"
  lock_release "$3"
}

cmd_stop() { # root name token holder pid who wait_s stale_s stop_timeout_s
  set_paths "$1" "$2"
  [ -d "$dir" ] || fail "no service named $name under $root"
  lock_acquire "$3" "$4" "$5" - "$7" "$8"
  stop_all_except "" "$9"
  audit "$6" stop "$(current_release)" ok "stopped every instance"
  lock_release "$3"
}

cmd_list() { # root
  case $1 in
    "~") base=$HOME ;;
    "~/"*) base=$HOME/${1#"~/"} ;;
    *) base=$1 ;;
  esac
  if [ -e "$base" ] && [ ! -d "$base" ]; then fail "the deploy root $1 is not a directory"; fi
  for service_dir in "$base"/*/; do
    [ -d "$service_dir/releases" ] || continue
    set_paths "$1" "$(basename "$service_dir")"
    cur=$(current_release)
    for id in $(release_ids); do
      port=$(cat "$dir/run/$id.port" 2>/dev/null) || port=$(release_port "$id")
      restarts=$(state_field "$id" restarts)
      last=$(state_field "$id" last_exit)
      note=
      if pid=$(service_pid "$id"); then
        state=running
        if [ "$(state_field "$id" state)" = restarting ]; then
          state=restarting
          pid=
          note="its server died ($last); restarting"
        fi
      else
        pid=
        state=stopped
        if [ "$(state_field "$id" state)" = failed ]; then
          state=failed
          note="crashed and was given up on after ${restarts:-0} restarts (last: $last)"
        fi
      fi
      current=0
      [ "$id" = "$cur" ] && current=1
      printf 'release\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$id" "$state" "${port:--}" "${pid:--}" \
        "$current" "${restarts:-0}" "$note"
    done
    for id in $(ls "$dir/archive" 2>/dev/null); do
      printf 'release\t%s\t%s\tfailed\t%s\t-\t0\t0\tfailed its deploy\n' "$name" "$id" \
        "$(cat "$dir/archive/$id/.assembly-line/port" 2>/dev/null || echo -)"
    done
  done
}

cmd_logs() { # root name lines [release]
  set_paths "$1" "$2"
  [ -d "$dir" ] || fail "no service named $name under $root"
  id=${4:-$(current_release)}
  [ -n "$id" ] || id=$(ls "$dir/logs" 2>/dev/null | sed -n 's/\.log$//p' | sort | tail -n 1)
  [ -n "$id" ] || return 0
  check_release_id "$id"
  log_tail "$id" "$3"
}

cmd_write_unit() { # name unit_text
  unit=/etc/systemd/system/assembly-line-$1.service
  printf '%s' "$2" >"$unit.tmp" && mv -f "$unit.tmp" "$unit" || fail "cannot write $unit"
  systemctl daemon-reload && systemctl enable "assembly-line-$1.service" >/dev/null 2>&1 ||
    fail "systemctl could not enable assembly-line-$1.service"
  echo "unit=$unit"
}

dispatch() {
  [ $# -ge 1 ] || fail "usage: host-agent.sh COMMAND ARGS..."
  command=$1
  shift
  case $command in
    begin) cmd_begin "$@" ;;
    prepare) cmd_prepare "$@" ;;
    promote) cmd_promote "$@" ;;
    restore) cmd_restore "$@" ;;
    abort) cmd_abort "$@" ;;
    finish) cmd_finish "$@" ;;
    unlock) cmd_unlock "$@" ;;
    stop) cmd_stop "$@" ;;
    list) cmd_list "$@" ;;
    logs) cmd_logs "$@" ;;
    write-unit) cmd_write_unit "$@" ;;
    ping) echo ok ;;
    *) fail "unknown host-agent command '$command'" ;;
  esac
}

# One agent per deploy, not one per step: `serve` reads commands from stdin until it closes, so a deploy
# over ssh pays for one remote shell (and its profile) instead of four. A command is a line holding a count,
# then that many lines of shell-quoted arguments. After it, the output is its stdout, a line
# "BOUNDARY EXIT_CODE", its stderr, a line "BOUNDARY".
cmd_serve() { # boundary
  boundary=$1
  scratch=$(mktemp -d 2>/dev/null) || fail "cannot create a scratch directory (mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  # A deployer killed mid-command leaves this agent writing its answer into a closed pipe: SIGPIPE would
  # end the shell without the EXIT trap, and leave the scratch folder behind. Exit through the trap instead.
  trap 'exit 141' PIPE
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  while IFS= read -r count; do
    text=
    while [ "$count" -gt 0 ] && IFS= read -r line; do
      text="$text$line
"
      count=$((count - 1))
    done
    eval "set -- $text"
    (dispatch "$@") </dev/null >"$scratch/out" 2>"$scratch/err"
    code=$?
    cat "$scratch/out"
    printf '\n%s %s\n' "$boundary" "$code"
    cat "$scratch/err"
    printf '\n%s\n' "$boundary"
  done
}

if [ "${1:-}" = serve ]; then
  cmd_serve "${2:?serve needs a boundary}"
else
  dispatch "$@"
fi
