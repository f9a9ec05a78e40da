export const COMMAND_NAMES = ['regenerate', 'optimize', 'plan', 'retry'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export type ParsedCommand =
  | { kind: 'none' }
  | { kind: 'command'; name: CommandName }
  | { kind: 'unknown'; word: string };

/** The first `/assembly-line <word>` that starts a line of a comment (quoted lines do not count). */
export function parseCommand(body: string): ParsedCommand {
  for (const line of body.split(/\r?\n/)) {
    const match =
      /^\s*\/assembly-line(?:\s+(\S+))?\s*$/.exec(line) ?? /^\s*\/assembly-line\s+(\S+)/.exec(line);
    if (!match) continue;
    const word = (match[1] ?? '').toLowerCase();
    return (COMMAND_NAMES as readonly string[]).includes(word)
      ? { kind: 'command', name: word as CommandName }
      : { kind: 'unknown', word };
  }
  return { kind: 'none' };
}

export const HELP_TEXT = [
  'Assembly Line commands (people with write access, on a SPEC pull request):',
  '',
  '- `/assembly-line regenerate`: write the SPEC again from the intent, over any edit on this branch',
  '- `/assembly-line optimize`: run the optimization cycles on the SPEC as it is on this branch',
  '- `/assembly-line plan`: comment what a push of the default branch would make the bot do, with the estimated cost',
  "- `/assembly-line retry`: run the SPEC line again for this intent (a person's SPEC is only re-verified)",
].join('\n');

export function helpReply(word: string): string {
  return `${word ? `I don't know the command \`${word}\`.` : 'That command needs a word after it.'}\n\n${HELP_TEXT}`;
}

export function refusal(login: string): string {
  return (
    `Thanks @${login}, but only people with write access to this repository can run Assembly Line ` +
    'commands, so nothing was run. A maintainer can run it for you.'
  );
}
