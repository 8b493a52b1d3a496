/**
 * Shell completion scripts, generated from the command tree: for each command path ('' is the
 * program), its subcommand words and its flags (the program's global flags count everywhere). The
 * scripts walk the words typed so far, keep those that are subcommands of the path reached, and offer
 * the next words, or the flags when the current word starts with `-`.
 */
export interface CompletionTree {
  /** Command path ('' for the program, 'agent maintenance' …) → subcommand names. */
  words: Map<string, string[]>;
  /** Command path → its own flags (long and short). */
  flags: Map<string, string[]>;
}

export type Shell = 'bash' | 'zsh' | 'fish';

const FN = '__stateful_ops';

function flagsOf(tree: CompletionTree, path: string): string[] {
  return [...new Set([...(tree.flags.get(path) ?? []), ...(path === '' ? [] : (tree.flags.get('') ?? []))])].sort();
}

/** Words are command names and flags: letters, digits, dashes. Nothing needs quoting, and this proves it. */
function checked(words: string[]): string {
  for (const w of words) if (!/^[A-Za-z0-9-]+$/.test(w)) throw new Error(`internal: '${w}' cannot go into a completion script`);
  return words.join(' ');
}

function caseTable(tree: CompletionTree, pick: (path: string) => string[], shell: 'sh' | 'fish'): string {
  const paths = [...tree.words.keys()];
  if (shell === 'fish') {
    return paths.map((p) => `    case '${p}'\n      printf '%s\\n' ${checked(pick(p))}`).join('\n');
  }
  return paths.map((p) => `    '${p}') echo '${checked(pick(p))}' ;;`).join('\n');
}

export function completionScript(shell: Shell, tree: CompletionTree): string {
  const words = (p: string) => tree.words.get(p) ?? [];
  const flags = (p: string) => flagsOf(tree, p);
  if (shell === 'fish') {
    return `# stateful-ops completion for fish: stateful-ops completion fish | source
function ${FN}_words
  switch "$argv[1]"
${caseTable(tree, words, 'fish')}
  end
end
function ${FN}_flags
  switch "$argv[1]"
${caseTable(tree, flags, 'fish')}
  end
end
function ${FN}_path
  set -l tokens (commandline -opc)
  set -e tokens[1]
  set -l p ''
  for t in $tokens
    if contains -- $t (${FN}_words "$p")
      set p (string trim -- "$p $t")
    end
  end
  echo $p
end
complete -c stateful-ops -f
complete -c stateful-ops -n 'not string match -q -- "-*" (commandline -ct)' -a '(${FN}_words (${FN}_path))'
complete -c stateful-ops -n 'string match -q -- "-*" (commandline -ct)' -a '(${FN}_flags (${FN}_path))'
`;
  }
  const tables = `${FN}_words() {
  case "$1" in
${caseTable(tree, words, 'sh')}
  esac
}
${FN}_flags() {
  case "$1" in
${caseTable(tree, flags, 'sh')}
  esac
}`;
  if (shell === 'zsh') {
    return `#compdef stateful-ops
# stateful-ops completion for zsh: source <(stateful-ops completion zsh), or save it as _stateful-ops in $fpath
${tables}
${FN}() {
  local cmdpath='' w
  for w in "\${(@)words[2,CURRENT-1]}"; do
    if [[ " $(${FN}_words "$cmdpath") " == *" $w "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$w"; fi
  done
  if [[ "\${words[CURRENT]}" == -* ]]; then
    compadd -- \${=$(${FN}_flags "$cmdpath")}
  else
    compadd -- \${=$(${FN}_words "$cmdpath")}
  fi
}
if (( $+functions[compdef] )); then compdef ${FN} stateful-ops; fi
`;
  }
  return `# stateful-ops completion for bash: source <(stateful-ops completion bash)
${tables}
${FN}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath='' w i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ " $(${FN}_words "$cmdpath") " == *" $w "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$w"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(${FN}_flags "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(${FN}_words "$cmdpath")" -- "$cur"))
  fi
}
complete -o default -F ${FN} stateful-ops
`;
}
