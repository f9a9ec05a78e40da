/**
 * A boot-time unit for hosts that run systemd: it starts the `current` release when the machine boots.
 * Deploys themselves do not go through systemd (the host agent starts and stops releases so that the old
 * one keeps serving until the new one listens); the unit writes the same pid and port files the agent
 * reads, so a release started at boot is stopped like any other at the next deploy. The launcher
 * supervises its server there as after a deploy; systemd itself does not restart it (`Restart=no`), since
 * two supervisors would fight over the port.
 */

import { DEFAULT_RESTART_POLICY, restartPolicyArgument } from './restart-policy.js';

export interface SystemdUnitOptions {
  name: string;
  /** Absolute: `<root>/<name>` on the host. */
  serviceDir: string;
  port: number;
  bindHost: string;
  /** The user the service runs as; default: systemd's (root). */
  user?: string;
}

const SAFE_PATH = /^\/[A-Za-z0-9/._-]*$/;

export function systemdUnitName(name: string): string {
  return `assembly-line-${name}.service`;
}

export function renderSystemdUnit(options: SystemdUnitOptions): string {
  const { name, serviceDir, port, bindHost } = options;
  if (!SAFE_PATH.test(serviceDir))
    throw new Error(`cannot write a systemd unit for ${serviceDir}: only absolute paths of [A-Za-z0-9/._-]`);
  if (!/^[0-9a-fA-F.:]+$/.test(bindHost)) throw new Error(`bind address '${bindHost}' is not an IP address`);
  // systemd expands $ and % itself: $$ and %% reach the shell as $ and %.
  const script = [
    'release=$$(readlink current)',
    'id=$${release##*/}',
    'cd "$$release"',
    `exec .venv/bin/python .assembly-line/launch.py --bind ${bindHost} --port ${port}` +
      ` --pid-file ${serviceDir}/run/$$id.pid --ready-file ${serviceDir}/run/$$id.port` +
      ` --restart ${restartPolicyArgument(DEFAULT_RESTART_POLICY)} --state-file ${serviceDir}/run/$$id.state` +
      ` >>${serviceDir}/logs/$$id.log 2>&1`,
  ].join(' && ');
  return [
    '[Unit]',
    `Description=Assembly Line service ${name} (current release)`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...(options.user ? [`User=${options.user}`] : []),
    `WorkingDirectory=${serviceDir}`,
    `ExecStart=/bin/sh -c '${script}'`,
    'Restart=no',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
