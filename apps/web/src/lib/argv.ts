/**
 * Splits a command line into argv the way a POSIX shell splits words, and nothing more:
 * blanks separate words; 'single quotes' keep everything literally; "double quotes" keep
 * blanks and take \ before " \ $ `; a backslash outside quotes escapes the next character;
 * backslash-newline continues the line. No variables, globs, pipes or redirections: the
 * command runs without a shell.
 */
export function splitArgv(line: string): { argv: string[] } | { error: string } {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) {
        if (line[++i] !== '\n') word += line[i];
      } else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { error: 'the line ends with a lone backslash' };
      // Backslash-newline continues the line; any other escaped character is literal.
      if (line[++i] !== '\n') {
        word += line[i];
        inWord = true;
      }
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { error: `a ${quote === "'" ? 'single' : 'double'} quote is not closed` };
  if (inWord) argv.push(word);
  return { argv };
}
