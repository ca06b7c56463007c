# adr shell guard for bash. Sourced through BASH_ENV by every non-interactive bash inside
# `adr wrap`, and as the --rcfile of `adr shell`. Each command line is judged by adr before it
# runs; a refused line is explained on stderr and does not run.
#
#  * interactive (`adr shell`): a DEBUG trap with `shopt -s extdebug`; at the first simple command
#    of each line the whole line (from history) is judged once; when refused, the trap returns 1,
#    which makes bash skip that command and every other command of the line.
#  * `bash -c STRING` and `bash SCRIPT`: the whole string / script is judged before it starts
#    (unless adr's bash shim already judged it: ADR_GUARD_CHECKED is this shell's pid); refused →
#    exit 126. A script read from stdin, or larger than adr judges at once, is checked command by
#    command with the DEBUG trap instead.
#
# The checker is "$ADR_SHIM_DIR/adr-check" (adr/intercept/shim.py): exit 0 allow, 126 refused (reason on
# stderr), 3 too large to judge whole. Scripts that existed before the session started are judged by
# their command line only (see written_in_session in adr/intercept/shim.py).

if [ -n "${BASH_VERSION:-}" ] && [ -z "${__adr_guard_loaded:-}" ] && [ -n "${ADR_SHIM_DIR:-}" ] \
   && [ -x "${ADR_SHIM_DIR}/adr-check" ]; then
__adr_guard_loaded=1

__adr_check() { "$ADR_SHIM_DIR/adr-check" "$@"; }

# extdebug (a non-zero DEBUG trap skips the command) is switched on from inside the first trap:
# set while startup files run, bash would try to load its debugger profile instead.
__adr_extdebug() { shopt -q extdebug || shopt -s extdebug; }

# Non-interactive: one simple command at a time ($BASH_COMMAND, as written).
__adr_debug_each() {
    __adr_extdebug
    case $BASH_COMMAND in __adr_*) return 0 ;; esac
    __adr_check -- "$BASH_COMMAND" && return 0
    return 1
}
__adr_each=

case $- in
*i*)
    # ---- interactive: `adr shell` ----------------------------------------------------------------
    if [ -z "${ADR_GUARD_NO_RC:-}" ] && [ -f "$HOME/.bashrc" ]; then
        # shellcheck disable=SC1091
        . "$HOME/.bashrc"
    fi
    # every line must reach history so the guard sees the whole line
    HISTCONTROL=
    HISTIGNORE=
    set -o history
    __adr_state=idle
    __adr_last=-1
    __adr_precmd() { __adr_state=idle; }
    __adr_ready() { __adr_state=ready; }
    __adr_debug() {
        __adr_extdebug
        case $BASH_COMMAND in __adr_*) return 0 ;; esac
        [ -n "${COMP_LINE:-}" ] && return 0
        case $__adr_state in
        ready)
            local entry num= text=
            entry=$(HISTTIMEFORMAT= builtin history 1)
            if [[ $entry =~ ^[[:space:]]*([0-9]+)[*[:space:]][[:space:]](.*)$ ]]; then
                num=${BASH_REMATCH[1]}
                text=${BASH_REMATCH[2]}
            fi
            if [ -z "$num" ] || [ "$num" = "$__adr_last" ]; then
                __adr_state=each   # the line did not reach history: judge each command instead
                __adr_check -- "$BASH_COMMAND" && return 0
                return 1
            fi
            __adr_last=$num
            if __adr_check -- "$text"; then
                __adr_state=allowed
                return 0
            fi
            __adr_state=blocked
            return 1 ;;
        blocked) return 1 ;;
        each)
            __adr_check -- "$BASH_COMMAND" && return 0
            return 1 ;;
        *) return 0 ;;
        esac
    }
    PROMPT_COMMAND="__adr_precmd${PROMPT_COMMAND:+;$PROMPT_COMMAND};__adr_ready"
    trap '__adr_debug' DEBUG
    if [ -z "${ADR_GUARD_QUIET:-}" ]; then
        printf 'adr shell: every command line is checked by adr before it runs (session %s).\n' \
            "${ADR_SESSION:-?}" >&2
    fi
    ;;
*)
    # ---- non-interactive: bash -c / bash script / script on stdin ------------------------------
    if [ "${ADR_GUARD_CHECKED:-}" = "$$" ]; then
        :   # adr's bash shim judged this -c string or script already
    elif [ -n "${BASH_EXECUTION_STRING+x}" ]; then
        __adr_check -- "$BASH_EXECUTION_STRING" || exit 126
    elif [ -f "$0" ] && ! [ "$0" -ef "${BASH:-/nonexistent}" ]; then
        __adr_check --file "$0"
        case $? in
        0) ;;
        3) __adr_each=1 ;;
        *) exit 126 ;;
        esac
    else
        __adr_each=1
    fi
    unset ADR_GUARD_CHECKED
    ;;
esac

# keep the user's own BASH_ENV working
if [ -n "${ADR_ORIG_BASH_ENV:-}" ] && [ -f "${ADR_ORIG_BASH_ENV}" ]; then
    # shellcheck disable=SC1090
    . "$ADR_ORIG_BASH_ENV"
fi
if [ -n "$__adr_each" ]; then   # last: the guard's own lines above are not checked
    set -o functrace
    trap '__adr_debug_each' DEBUG
fi
fi
