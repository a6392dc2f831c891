#compdef vrctl
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# zsh completion for vrctl, installed as _vrctl in zsh's fpath
# (/usr/share/zsh/vendor-completions).  As the bash one (vrctl.bash), every
# word comes from `vrctl __complete [COMMAND [OPTION]]`, which prints the
# command and option tables the usage text is made from: commands, a
# command's options ("--name", "--name ARG"; "@cmd NAME", "@args ARGS"),
# an option's values; VR names from `vrctl -j list`.

_vrctl() {
	local vrctl=${words[1]} cur=${words[CURRENT]} prev=${words[CURRENT-1]}
	local cmd= full= args= line w i npos=0
	local -a pin opts valued vals

	# the command, then the positionals typed after it (not the current word)
	for ((i = 2; i < CURRENT; i++)); do
		w=${words[i]}
		case $w in
		--pin-dir) pin=(--pin-dir "${words[i+1]}"); ((i++)) ;;
		-*) ;;
		*) if [[ -z $cmd ]]; then cmd=$w; else ((npos++)); fi ;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $prev == --pin-dir ]]; then
			_files -/
		elif [[ $cur == -* ]]; then
			compadd -- ${(f)"$($vrctl __complete help 2>/dev/null | sed -n 's/^\(--[^ ]*\).*/\1/p')"}
		else
			compadd -- ${(f)"$($vrctl __complete 2>/dev/null)"}
		fi
		return
	fi
	for line in ${(f)"$($vrctl __complete $cmd 2>/dev/null)"}; do
		case $line in
		"@cmd "*) full=${line#@cmd } ;;
		"@args "*) args=${line#@args } ;;
		*" "*) opts+=(${line%% *}); valued+=(${line%% *}) ;;
		*) opts+=($line) ;;
		esac
	done
	if (( ${valued[(Ie)$prev]} )); then
		vals=(${(f)"$($vrctl __complete $cmd $prev 2>/dev/null)"})
		if (( $#vals )); then
			compset -P '*,'		# a list: complete the item after the last comma
			compadd -- $vals
		else
			_files
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		compadd -- $opts
	elif [[ $full == neigh && $npos == 0 ]]; then
		compadd -- add replace del show
	elif [[ $args == *NAME* && $full != add-router && ( $npos == 0 || $full == neigh && $npos == 1 ) ]]; then
		# the VRs' names (root: vrctl reads the maps); names are [A-Za-z0-9_.-]
		compadd -- ${(f)"$($vrctl $pin -j list 2>/dev/null | grep -o '"name":"[^"]*"' | cut -d'"' -f4)"}
	elif [[ $args == *FILE* ]]; then
		_files
	elif [[ $args == *IFACE* ]]; then
		compadd -- ${(f)"$(ls /sys/class/net 2>/dev/null)"}
	elif [[ $cmd == help ]]; then
		compadd -- ${(f)"$($vrctl __complete 2>/dev/null)"}
	fi
}

_vrctl "$@"
