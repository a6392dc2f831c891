# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# bash completion for vrctl: every word comes from `vrctl __complete`,
# which prints the command and option tables the usage text is made from.
# Installed as /usr/share/bash-completion/completions/vrctl.

_vrctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local vrctl=${COMP_WORDS[0]} cmd="" i w line args="" opts=() valued=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--pin-dir) ((i++)) ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $prev == --pin-dir ]]; then
			COMPREPLY=($(compgen -d -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$("$vrctl" __complete help 2>/dev/null | sed -n 's/^\(--[^ ]*\).*/\1/p')" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$vrctl" __complete 2>/dev/null)" -- "$cur"))
		fi
		return
	fi
	while read -r line; do
		case $line in
		"@args "*) args=${line#@args } ;;
		*" "*) opts+=("${line%% *}"); valued+=("${line%% *}") ;;
		*) opts+=("$line") ;;
		esac
	done < <("$vrctl" __complete "$cmd" 2>/dev/null)
	for w in "${valued[@]}"; do
		if [[ $prev == "$w" ]]; then
			local vals
			vals=$("$vrctl" __complete "$cmd" "$w" 2>/dev/null)
			if [[ -n $vals ]]; then
				COMPREPLY=($(compgen -W "$vals" -- "${cur##*,}"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return
		fi
	done
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${opts[*]}" -- "$cur"))
	elif [[ $args == *FILE* ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
	elif [[ $args == *IFACE* ]]; then
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
	elif [[ $cmd == help ]]; then
		COMPREPLY=($(compgen -W "$("$vrctl" __complete 2>/dev/null)" -- "$cur"))
	fi
}
complete -F _vrctl vrctl
