# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# bash completion for vrctl: every word comes from `vrctl __complete`,
# which prints the command and option tables the usage text is made from.
# Installed as /usr/share/bash-completion/completions/vrctl.

_vrctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local vrctl=${COMP_WORDS[0]} cmd="" full="" i w line args="" opts=() valued=()
	local pin=() npos=0

	# the command, then the positionals typed after it (the word being
	# completed not counted)
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--pin-dir) pin=(--pin-dir "${COMP_WORDS[i+1]}"); ((i++)) ;;
		-*) ;;
		*) if [[ -z $cmd ]]; then cmd=$w; else ((npos++)); fi ;;
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
		"@cmd "*) full=${line#@cmd } ;;
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
	if [[ $full == exec && $npos -ge 1 ]]; then
		# exec NAME [--] COMMAND [ARG...]: a command, then its arguments
		if [[ $npos == 1 ]]; then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "${opts[*]}" -- "$cur"))
	elif [[ $full == neigh && $npos == 0 ]]; then
		COMPREPLY=($(compgen -W "add replace del show" -- "$cur"))
	elif [[ $args == *NAME* && $full != add-router && ($npos == 0 || $full == neigh && $npos == 1) ]]; then
		# the VRs' names (root: vrctl reads the maps); names are [A-Za-z0-9_.-]
		COMPREPLY=($(compgen -W "$("$vrctl" "${pin[@]}" -j list 2>/dev/null |
			grep -o '"name":"[^"]*"' | cut -d'"' -f4)" -- "$cur"))
	elif [[ $args == *FILE* ]]; then
		COMPREPLY=($(compgen -f -- "$cur"))
	elif [[ $args == *IFACE* ]]; then
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
	elif [[ $cmd == help ]]; then
		COMPREPLY=($(compgen -W "$("$vrctl" __complete 2>/dev/null)" -- "$cur"))
	fi
}
complete -F _vrctl vrctl
