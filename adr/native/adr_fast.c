/*
 * adr_fast.c: adr's native fast client (C99, POSIX, libc only).
 *
 * Python's start-up alone (~15-25 ms) is most of what an agent waits for on every tool call. This
 * program does the usual path of two Python clients without an interpreter:
 *
 *   adr-hook HOST    (run as a file named adr-hook) the hook fast path of adr/intercept/hookentry.py: the host's
 *                    JSON from stdin goes to the daemon in one "hook" request; the answer comes back as
 *                    frames (adr/daemon/protocol.py, "Frames"): what to print and the exit code.
 *   any other name   a command shim (adr/intercept/shim.py): find the real program on PATH after the shim
 *                    directory, ask the daemon in one "shim" request (the daemon plans what to judge
 *                    exactly as adr/intercept/shim.py does), then execv the real program or print the reason
 *                    and exit 126.
 *
 * Everything else (no daemon, an error frame, a JSON answer, anything malformed, oversized, not UTF-8,
 * a timeout before any question) is handed to the Python client whose absolute path was baked in at
 * build time (ADR_PY_HOOK / ADR_PY_SHIM, never found through PATH), with the bytes already read fed
 * back on its stdin: the Python code then explains or decides in-process, exactly as without this
 * program. An unanswered question never runs the action: the daemon sends, with each "pending" frame,
 * the deny to print if no answer arrives in time.
 *
 * Every constant comes from adr's Python modules through -D (adr/native/build.py). Bounded buffers
 * everywhere; EINTR and short reads/writes handled; no shell; no heap growth past MAX_MESSAGE.
 */
#if defined(__linux__)
#define _GNU_SOURCE 1
#elif defined(__APPLE__)
#define _DARWIN_C_SOURCE 1
#else
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/auxv.h>
#include <sys/mman.h>
#endif
#if defined(__APPLE__) && defined(ADR_PY_HOOK_BESIDE)
#include <mach-o/dyld.h>
#endif

#if !defined(ADR_PROTOCOL_VERSION) || !defined(ADR_MAX_MESSAGE) || !defined(ADR_DECIDE_TIMEOUT) ||     \
    !defined(ADR_ANSWER_TIMEOUT) ||                                                                    \
    !defined(ADR_PENDING_MARGIN) || !defined(ADR_MAX_DEPTH) || !defined(ADR_FRAME_HEADER_MAX) ||      \
    !defined(ADR_BUILD_ID) || !defined(ADR_HOOK_EXE) || !defined(ADR_CHECKER) ||                      \
    !defined(ADR_SHIM_PY_NAME) || !defined(ADR_ARGV0_VAR) || !defined(ADR_SOCKET_NAME)
#error "build with adr/native/build.py: it defines adr's protocol constants"
#endif

#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define NORETURN __attribute__((noreturn))
#else
#define NORETURN
#endif

#if defined(ADR_SHIM_DIR_BAKED) && !defined(ADR_SHIM_LAUNCHER)
#error "ADR_SHIM_DIR_BAKED needs ADR_SHIM_LAUNCHER"
#endif

/* A prebuilt client (the platform wheel) cannot know where its Python client will be: built with
 * ADR_PY_HOOK_BESIDE (a file name), it hands over to that file in its own directory, found from the
 * running executable (never PATH, never argv[0] alone). `adr install` puts the two side by side. */
#if defined(ADR_PY_HOOK_BESIDE)
#if defined(ADR_PY_HOOK)
#error "define ADR_PY_HOOK or ADR_PY_HOOK_BESIDE, not both"
#endif
static const char *py_hook_beside(void);
#define ADR_PY_HOOK py_hook_beside()
#endif

#if defined(ADR_PY_HOOK) && defined(ADR_PY_SHIM)
#define MODES "hook,shim"
#elif defined(ADR_PY_HOOK)
#define MODES "hook"
#elif defined(ADR_PY_SHIM)
#define MODES "shim"
#else
#define MODES "none"
#endif

#define PATH_CAP 8192
#define CHUNK 65536

enum { GOT = 1, NEED = 0, R_EOF = -1, R_TIMEOUT = -2, R_BAD = -3, R_ERR = -4 };

static struct sigaction old_pipe;

/* ---- small helpers ------------------------------------------------------------------------------ */

static double mono(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    char *p;
    size_t len, cap, max; /* max: a hard bound on len */
} Buf;

static int buf_reserve(Buf *b, size_t extra) {
    if (extra > b->max || b->len > b->max - extra)
        return -1;
    size_t need = b->len + extra;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max)
        cap = b->max;
    char *np = realloc(b->p, cap);
    if (np == NULL)
        return -1;
    b->p = np;
    b->cap = cap;
    return 0;
}

static int buf_add(Buf *b, const void *s, size_t n) {
    if (n == 0)
        return 0;
    if (buf_reserve(b, n) != 0)
        return -1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    return 0;
}

static int buf_str(Buf *b, const char *s) { return buf_add(b, s, strlen(s)); }

static int buf_long(Buf *b, long v) {
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%ld", v);
    return (n < 0 || (size_t)n >= sizeof tmp) ? -1 : buf_add(b, tmp, (size_t)n);
}

/* Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF): what the daemon's decoder accepts. */
static int utf8_ok(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k;
        unsigned long cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            unsigned d = s[i + j];
            if ((d & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (d & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* A JSON string literal; -1 when s is not UTF-8 (the Python client then handles it). */
static int json_str(Buf *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s), run = 0;
    if (!utf8_ok((const unsigned char *)s, n) || buf_add(b, "\"", 1) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (buf_add(b, s + run, i - run) != 0)
            return -1;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            if (buf_add(b, e, 2) != 0)
                return -1;
        } else {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            if (buf_add(b, e, 6) != 0)
                return -1;
        }
        run = i + 1;
    }
    return (buf_add(b, s + run, n - run) != 0 || buf_add(b, "\"", 1) != 0) ? -1 : 0;
}

static const char *env_or(const char *key, const char *dflt) {
    const char *v = getenv(key);
    return v != NULL ? v : dflt;
}

static int wait_fd(int fd, short events, double deadline) { /* 1 ready, 0 timed out, -1 error */
    for (;;) {
        double left = deadline - mono();
        if (left <= 0)
            return 0;
        int ms = left > 2000000.0 ? 2000000000 : (int)(left * 1000.0) + 1;
        struct pollfd p;
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        int r = poll(&p, 1, ms);
        if (r > 0)
            return 1; /* also POLLHUP / POLLERR: the next read or write says what happened */
        if (r < 0 && errno != EINTR && errno != EAGAIN)
            return -1;
    }
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf;
            pf.fd = fd;
            pf.events = POLLOUT;
            pf.revents = 0;
            if (poll(&pf, 1, 1000) < 0 && errno != EINTR)
                return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

static int send_all(int fd, const char *p, size_t n, double deadline) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, SEND_FLAGS);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_fd(fd, POLLOUT, deadline) <= 0)
                return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

static void say(const char *a, const char *b, const char *c, const char *d, const char *e) {
    Buf m = {NULL, 0, 0, 65536};
    if (buf_str(&m, a) == 0 && buf_str(&m, b) == 0 && buf_str(&m, c) == 0 && buf_str(&m, d) == 0 &&
        buf_str(&m, e) == 0 && buf_add(&m, "\n", 1) == 0)
        (void)write_all(2, m.p, m.len);
    free(m.p);
}

static void restore_sigpipe(void) { (void)sigaction(SIGPIPE, &old_pipe, NULL); }

static void request_id(char out[17]) {
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^ ((uint64_t)getpid() << 40) ^
                 ((uint64_t)(uintptr_t)&ts);
    x += 0x9E3779B97F4A7C15ull; /* splitmix64: ids only correlate log lines, they guard nothing */
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    snprintf(out, 17, "%016llx", (unsigned long long)x);
}

/* ---- where the daemon listens: adr/runtime.py socket_path_str ------------------------------------- */

static int join2(char *out, size_t cap, const char *dir, const char *rest) {
    size_t dl = strlen(dir);
    const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
    int n = snprintf(out, cap, "%s%s%s", dir, sep, rest);
    return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

static int writable_dir(const char *d) {
    struct stat st;
    return stat(d, &st) == 0 && S_ISDIR(st.st_mode) && access(d, W_OK | X_OK) == 0;
}

static int socket_path(char *out, size_t cap) {
    const char *v = getenv("ADR_SOCKET");
    char base[PATH_CAP];
    if (v != NULL && *v) {
        size_t n = strlen(v);
        if (n >= cap)
            return -1;
        memcpy(out, v, n + 1);
        return 0;
    }
    v = getenv("ADR_HOME");
    if (v != NULL && *v) {
        if (v[0] == '~') { /* os.path.expanduser: "~" and "~/…" only; "~user" is Python's */
            const char *home = getenv("HOME");
            if ((v[1] != '\0' && v[1] != '/') || home == NULL || !*home)
                return -1;
            size_t hl = strlen(home);
            while (hl > 1 && home[hl - 1] == '/')
                hl--;
            int n = snprintf(base, sizeof base, "%.*s%s", (int)hl, home, v + 1);
            if (n < 0 || (size_t)n >= sizeof base)
                return -1;
        } else if (snprintf(base, sizeof base, "%s", v) >= (int)sizeof base) {
            return -1;
        }
        char run[PATH_CAP];
        return (join2(run, sizeof run, base, "run") != 0) ? -1 : join2(out, cap, run, ADR_SOCKET_NAME);
    }
#if defined(__APPLE__)
    v = getenv("HOME");
    if (v == NULL || !*v || join2(base, sizeof base, v, "Library/Caches/TemporaryItems/adr") != 0)
        return -1;
    return join2(out, cap, base, ADR_SOCKET_NAME);
#else
    v = getenv("XDG_RUNTIME_DIR");
    if (v != NULL) {
        while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r' || *v == '\f' || *v == '\v')
            v++;
        size_t n = strlen(v);
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r' ||
                         v[n - 1] == '\f' || v[n - 1] == '\v'))
            n--;
        if (n > 0) {
            int k = snprintf(base, sizeof base, "%.*s", (int)n, v);
            if (k < 0 || (size_t)k >= sizeof base)
                return -1;
            char dir[PATH_CAP];
            return (join2(dir, sizeof dir, base, "adr") != 0) ? -1 : join2(out, cap, dir, ADR_SOCKET_NAME);
        }
    }
#if defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
    snprintf(base, sizeof base, "/var/run/user/%lu", (unsigned long)getuid());
#else
    snprintf(base, sizeof base, "/run/user/%lu", (unsigned long)getuid());
#endif
    if (!writable_dir(base)) { /* tempfile.gettempdir(): TMPDIR, TEMP, TMP, then the usual dirs */
        static const char *const envs[] = {"TMPDIR", "TEMP", "TMP"};
        static const char *const dirs[] = {"/tmp", "/var/tmp", "/usr/tmp"};
        const char *t = NULL;
        for (size_t i = 0; t == NULL && i < 3; i++) {
            const char *e = getenv(envs[i]);
            if (e != NULL && e[0] == '/' && writable_dir(e))
                t = e;
        }
        for (size_t i = 0; t == NULL && i < 3; i++)
            if (writable_dir(dirs[i]))
                t = dirs[i];
        if (t == NULL)
            return -1;
        size_t tl = strlen(t);
        while (tl > 1 && t[tl - 1] == '/')
            tl--;
        int k = snprintf(base, sizeof base, "%.*s/runtime-%lu", (int)tl, t, (unsigned long)getuid());
        if (k < 0 || (size_t)k >= sizeof base)
            return -1;
    }
    char dir[PATH_CAP];
    return (join2(dir, sizeof dir, base, "adr") != 0) ? -1 : join2(out, cap, dir, ADR_SOCKET_NAME);
#endif
}

static int connect_daemon(const char *path, double deadline) {
    struct sockaddr_un sa;
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof sa.sun_path)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        close(fd);
        return -1;
    }
#ifdef SO_NOSIGPIPE
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, n + 1);
    for (;;) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 || errno == EISCONN)
            return fd;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN && mono() < deadline) { /* Linux: the listen backlog is full */
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
            continue;
        }
        if (errno == EINPROGRESS || errno == EALREADY) {
            int err = 0;
            socklen_t len = sizeof err;
            if (wait_fd(fd, POLLOUT, deadline) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
                err == 0)
                return fd;
        }
        close(fd);
        return -1;
    }
}

/* ---- frames: adr/daemon/protocol.py ------------------------------------------------------------- */

typedef struct {
    char kind; /* P R X E */
    double wait_s, hook_timeout;
    long code;
    size_t lo, le;
    const char *out, *err;
    int guard;
} Frame;

static int parse_size(const char *s, size_t n, size_t *v) {
    if (n == 0 || n > 10)
        return -1;
    unsigned long long x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (unsigned long long)(s[i] - '0');
    }
    if (x > (unsigned long long)ADR_MAX_MESSAGE)
        return -1;
    *v = (size_t)x;
    return 0;
}

static int parse_code(const char *s, size_t n, long *v) {
    int neg = n > 0 && s[0] == '-';
    size_t x;
    if (n - (size_t)neg > 9 || parse_size(s + neg, n - (size_t)neg, &x) != 0)
        return -1;
    *v = neg ? -(long)x : (long)x;
    return 0;
}

static int parse_secs(const char *s, size_t n, double *v) { /* digits[.digits]; no locale, no strtod */
    double x = 0, scale = 1;
    int dot = 0, digits = 0;
    if (n == 0 || n > 24)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && !dot) {
            dot = 1;
        } else if (s[i] >= '0' && s[i] <= '9') {
            digits++;
            if (dot) {
                scale /= 10;
                x += (s[i] - '0') * scale;
            } else {
                x = x * 10 + (s[i] - '0');
            }
        } else {
            return -1;
        }
    }
    if (!digits || x > 1e7)
        return -1;
    *v = x;
    return 0;
}

static int parse_frame(const char *buf, size_t len, Frame *f, size_t *used) {
    size_t lim = len < (size_t)ADR_FRAME_HEADER_MAX ? len : (size_t)ADR_FRAME_HEADER_MAX;
    const char *nl = lim ? memchr(buf, '\n', lim) : NULL;
    if (nl == NULL)
        return len >= (size_t)ADR_FRAME_HEADER_MAX ? R_BAD : NEED;
    size_t hl = (size_t)(nl - buf);
    const char *tok[6];
    size_t tl[6];
    int nt = 0;
    memset(f, 0, sizeof *f);
    if (hl >= 1 && buf[0] == 'E') {
        f->kind = 'E';
        *used = hl + 1;
        return GOT;
    }
    for (size_t i = 0; i <= hl;) {
        size_t j = i;
        while (j < hl && buf[j] != ' ')
            j++;
        if (nt == 6)
            return R_BAD;
        tok[nt] = buf + i;
        tl[nt++] = j - i;
        i = j + 1;
    }
    if (tl[0] != 1)
        return R_BAD;
    f->kind = buf[0];
    if (f->kind == 'X' && nt == 2 && tl[1] == 1 && (tok[1][0] == '0' || tok[1][0] == '1')) {
        f->guard = tok[1][0] == '1';
        *used = hl + 1;
        return GOT;
    }
    if (f->kind == 'R' && nt == 4) {
        if (parse_code(tok[1], tl[1], &f->code) || parse_size(tok[2], tl[2], &f->lo) ||
            parse_size(tok[3], tl[3], &f->le))
            return R_BAD;
    } else if (f->kind == 'P' && nt == 6) {
        if (parse_secs(tok[1], tl[1], &f->wait_s) || parse_secs(tok[2], tl[2], &f->hook_timeout) ||
            parse_code(tok[3], tl[3], &f->code) || parse_size(tok[4], tl[4], &f->lo) ||
            parse_size(tok[5], tl[5], &f->le))
            return R_BAD;
    } else {
        return R_BAD;
    }
    if (f->lo + f->le > (size_t)ADR_MAX_MESSAGE)
        return R_BAD;
    if (len - (hl + 1) < f->lo + f->le)
        return NEED;
    f->out = nl + 1;
    f->err = nl + 1 + f->lo;
    *used = hl + 1 + f->lo + f->le;
    return GOT;
}

/* The next frame from the daemon. Its out/err point into `in` and stay valid until the next call. */
static int next_frame(int fd, Buf *in, size_t *off, Frame *f, double deadline) {
    for (;;) {
        size_t used = 0;
        int r = parse_frame(in->p ? in->p + *off : "", in->len - *off, f, &used);
        if (r == GOT) {
            *off += used;
            return GOT;
        }
        if (r != NEED)
            return R_BAD;
        if (*off > 0) {
            memmove(in->p, in->p + *off, in->len - *off);
            in->len -= *off;
            *off = 0;
        }
        if (buf_reserve(in, CHUNK) != 0 && buf_reserve(in, 1) != 0)
            return R_BAD; /* more than a frame can be */
        int w = wait_fd(fd, POLLIN, deadline);
        if (w == 0)
            return R_TIMEOUT;
        if (w < 0)
            return R_ERR;
        ssize_t n = recv(fd, in->p + in->len, in->cap - in->len, 0);
        if (n > 0)
            in->len += (size_t)n;
        else if (n == 0)
            return R_EOF;
        else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return R_ERR;
    }
}

typedef struct { /* what to print when a question gets no answer in time */
    int have;
    long code;
    Buf out, err;
} Unanswered;

static int keep_unanswered(Unanswered *u, const Frame *f) {
    u->out.len = u->err.len = 0;
    u->code = f->code;
    u->have = buf_add(&u->out, f->out, f->lo) == 0 && buf_add(&u->err, f->err, f->le) == 0;
    return u->have ? 0 : -1;
}

static void print_and_exit(const char *out, size_t lo, const char *err, size_t le, long code) NORETURN;
static void print_and_exit(const char *out, size_t lo, const char *err, size_t le, long code) {
    (void)write_all(1, out, lo);
    (void)write_all(2, err, le);
    exit((int)code);
}

static double timeout_env(void) { /* ADR_HOOK_TIMEOUT, as hookentry._timeout reads it */
    const char *v = getenv("ADR_HOOK_TIMEOUT");
    double t;
    if (v == NULL || parse_secs(v, strlen(v), &t) != 0)
        return ADR_DECIDE_TIMEOUT;
    return t < 0.05 ? 0.05 : t;
}

static double answer_timeout_env(void) { /* ADR_ANSWER_TIMEOUT, as hookentry._answer_timeout reads it */
    const char *v = getenv("ADR_ANSWER_TIMEOUT");
    double t;
    if (v == NULL || parse_secs(v, strlen(v), &t) != 0)
        return ADR_ANSWER_TIMEOUT;
    return t < 0.05 ? 0.05 : t;
}

/* ---- hook mode ---------------------------------------------------------------------------------- */

#ifdef ADR_PY_HOOK_BESIDE
/* ADR_PY_HOOK_BESIDE in the directory of the executable that runs (symlinks resolved). */
static const char *py_hook_beside(void) {
    static char out[PATH_CAP];
    char self[PATH_CAP];
    ssize_t n = -1;
    if (out[0])
        return out;
#if defined(__linux__)
    n = readlink("/proc/self/exe", self, sizeof self - 1);
#elif defined(__APPLE__)
    {
        char raw[PATH_CAP];
        uint32_t size = sizeof raw;
        if (_NSGetExecutablePath(raw, &size) == 0 && realpath(raw, self) != NULL)
            n = (ssize_t)strlen(self);
    }
#endif
    if (n <= 0 || (size_t)n >= sizeof self)
        return "/nonexistent/adr-hook: cannot find its own path";
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return "/nonexistent/adr-hook: cannot find its own path";
    *slash = '\0';
    if (join2(out, sizeof out, self[0] ? self : "/", ADR_PY_HOOK_BESIDE) != 0) {
        out[0] = '\0';
        return "/nonexistent/adr-hook: its path is too long";
    }
    return out;
}
#endif

#ifdef ADR_PY_HOOK
static int tmp_fd(void) {
    const char *dirs[3] = {getenv("TMPDIR"), "/tmp", "/var/tmp"};
    for (size_t i = 0; i < 3; i++) {
        char tmpl[PATH_CAP];
        if (dirs[i] == NULL || dirs[i][0] != '/' || join2(tmpl, sizeof tmpl, dirs[i], "adr-hook-XXXXXX") != 0)
            continue;
        int fd = mkstemp(tmpl); /* 0600 */
        if (fd >= 0) {
            (void)unlink(tmpl);
            return fd;
        }
    }
    return -1;
}

/* Put `data` on fd 0 for the program this process is about to exec. */
static int stdin_from(const char *p, size_t n) {
    int fd = -1;
#if defined(__linux__) && defined(MFD_CLOEXEC)
    fd = memfd_create("adr-hook-stdin", 0);
#endif
    if (fd < 0)
        fd = tmp_fd();
    if (fd >= 0) {
        if (write_all(fd, p, n) == 0 && lseek(fd, 0, SEEK_SET) == 0 && (fd == 0 || dup2(fd, 0) == 0)) {
            if (fd != 0)
                close(fd);
            return 0;
        }
        if (fd != 0)
            close(fd);
    }
    int pf[2]; /* last resort: a child writes it into a pipe */
    if (pipe(pf) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(pf[0]);
        close(pf[1]);
        return -1;
    }
    if (pid == 0) {
        close(pf[0]);
        (void)write_all(pf[1], p, n);
        _exit(0);
    }
    close(pf[1]);
    if (pf[0] != 0) {
        int ok = dup2(pf[0], 0) == 0;
        close(pf[0]);
        return ok ? 0 : -1;
    }
    return 0;
}

/* The Python adr-hook takes over: with the bytes already read (refeed) or the untouched stdin. */
static void hand_over_hook(int nrest, char **rest, const Buf *data, int refeed) NORETURN;
static void hand_over_hook(int nrest, char **rest, const Buf *data, int refeed) {
    if (refeed && stdin_from(data->p ? data->p : "", data->len) != 0) {
        say("adr-hook: cannot hand the input over to ", ADR_PY_HOOK, ": ", strerror(errno), "");
        exit(2);
    }
    char **args = calloc((size_t)nrest + 2, sizeof *args);
    if (args == NULL)
        exit(2);
    args[0] = (char *)ADR_PY_HOOK;
    for (int i = 0; i < nrest; i++)
        args[i + 1] = rest[i];
    restore_sigpipe();
    execv(ADR_PY_HOOK, args);
    say("adr-hook: cannot run the Python client ", ADR_PY_HOOK, ": ", strerror(errno), "");
    exit(2);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* The host's bytes exactly, as a JSON string of one character per byte (latin-1): printable ASCII as
 * is, '"' and '\\' escaped, everything else \u00XX. The daemon turns it back into the same bytes and
 * parses them as the Python fallback would (adr.daemon.protocol "payload_bytes"). */
static int send_payload(int fd, const Buf *data, double deadline) {
    static const char hex[] = "0123456789abcdef";
    static char stage[CHUNK * 6 + 8];
    size_t k = 0;
    stage[k++] = '"';
    for (size_t i = 0; i < data->len; i++) {
        unsigned char c = (unsigned char)data->p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            stage[k++] = (char)c;
        } else if (c == '"' || c == '\\') {
            stage[k++] = '\\';
            stage[k++] = (char)c;
        } else {
            stage[k++] = '\\'; stage[k++] = 'u'; stage[k++] = '0'; stage[k++] = '0';
            stage[k++] = hex[c >> 4]; stage[k++] = hex[c & 15];
        }
        if (k >= CHUNK * 6) {
            if (send_all(fd, stage, k, deadline) != 0)
                return -1;
            k = 0;
        }
    }
    stage[k++] = '"';
    return send_all(fd, stage, k, deadline);
}

static size_t payload_size(const Buf *data) { /* bytes send_payload writes */
    size_t n = 2;
    for (size_t i = 0; i < data->len; i++) {
        unsigned char c = (unsigned char)data->p[i];
        n += (c >= 0x20 && c < 0x7f) ? (c == '"' || c == '\\' ? 2 : 1) : 6;
    }
    return n;
}

static int hook_main(int nrest, char **rest, double started) {
    if (nrest != 1 || rest[0][0] == '-' || strlen(rest[0]) > 64)
        hand_over_hook(nrest, rest, NULL, 0); /* usage and odd hosts: the Python client explains */
    char sock[PATH_CAP];
    if (socket_path(sock, sizeof sock) != 0)
        hand_over_hook(nrest, rest, NULL, 0);
    int fd = connect_daemon(sock, mono() + 2.0);
    if (fd < 0)
        hand_over_hook(nrest, rest, NULL, 0); /* no daemon: stdin is untouched */

    Buf data = {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE + 1};
    for (;;) {
        if (data.len == data.max)
            break;
        if (buf_reserve(&data, CHUNK) != 0 && buf_reserve(&data, 1) != 0)
            break;
        ssize_t n = read(0, data.p + data.len, data.cap - data.len);
        if (n > 0)
            data.len += (size_t)n;
        else if (n == 0)
            break;
        else if (errno == EAGAIN || errno == EWOULDBLOCK)
            (void)wait_fd(0, POLLIN, mono() + 1.0);
        else if (errno != EINTR)
            break;
    }
    int blank = 1;
    for (size_t i = 0; blank && i < data.len; i++)
        blank = is_space(data.p[i]);
    if (data.len > (size_t)ADR_MAX_MESSAGE || blank)
        hand_over_hook(nrest, rest, &data, 1);

    char rid[17];
    request_id(rid);
    Buf req = {NULL, 0, 0, 1 << 16};
    if (buf_str(&req, "{\"v\":") || buf_long(&req, ADR_PROTOCOL_VERSION) ||
        buf_str(&req, ",\"op\":\"hook\",\"id\":\"") || buf_str(&req, rid) || buf_str(&req, "\",\"host\":") ||
        json_str(&req, rest[0]) || buf_str(&req, ",\"home\":") || json_str(&req, env_or("HOME", "")) ||
        buf_str(&req, ",\"progress\":true,\"frame\":true,\"payload_bytes\":") ||
        req.len + payload_size(&data) + 2 > (size_t)ADR_MAX_MESSAGE)
        hand_over_hook(nrest, rest, &data, 1);
    double budget = timeout_env(), t0 = mono(), deadline = t0 + budget;
    if (t0 + answer_timeout_env() < deadline) /* no answer soon and no question: the daemon is stuck */
        deadline = t0 + answer_timeout_env();
    if (send_all(fd, req.p, req.len, deadline) || send_payload(fd, &data, deadline) ||
        send_all(fd, "}\n", 2, deadline))
        hand_over_hook(nrest, rest, &data, 1);

    Buf in = {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE + (size_t)ADR_FRAME_HEADER_MAX};
    Unanswered un = {0, 0, {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE}, {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE}};
    size_t off = 0;
    Frame f;
    for (;;) {
        int r = next_frame(fd, &in, &off, &f, deadline);
        if (r == GOT && f.kind == 'R') {
            close(fd);
            print_and_exit(f.out, f.lo, f.err, f.le, f.code);
        }
        if (r == GOT && f.kind == 'P' && keep_unanswered(&un, &f) == 0) {
            /* wire.pending_deadline: the question's window + margin, never past the host's timeout */
            double now = mono();
            deadline = now + f.wait_s + ADR_PENDING_MARGIN;
            if (f.hook_timeout > 0 && started + f.hook_timeout - 0.5 < deadline)
                deadline = started + f.hook_timeout - 0.5;
            continue;
        }
        if (r == R_TIMEOUT && un.have) {
            close(fd); /* asked, not answered: never run it unasked */
            print_and_exit(un.out.p ? un.out.p : "", un.out.len, un.err.p ? un.err.p : "", un.err.len, un.code);
        }
        close(fd);
        if (r == R_TIMEOUT) { /* the Python client must not wait for a stuck daemon again */
            double left = t0 + budget - mono();
            char tv[32];
            snprintf(tv, sizeof tv, "%.3f", left < 0.5 ? 0.5 : left);
            (void)setenv("ADR_HOOK_TIMEOUT", tv, 1);
            double waited = answer_timeout_env() < budget ? answer_timeout_env() : budget;
            snprintf(tv, sizeof tv, "%g", waited);
            (void)setenv("ADR_DAEMON_WAITED", tv, 1);
            (void)setenv("ADR_ANSWER_TIMEOUT", "0.05", 1);
        }
        hand_over_hook(nrest, rest, &data, 1);
    }
}
#endif /* ADR_PY_HOOK */

/* ---- shim mode ---------------------------------------------------------------------------------- */

static const char *base_name(const char *p, char *out, size_t cap) {
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    size_t s = n;
    while (s > 0 && p[s - 1] != '/')
        s--;
    if (n - s >= cap)
        return NULL;
    memcpy(out, p + s, n - s);
    out[n - s] = '\0';
    return out;
}

static const char *shim_self = "";
static char shim_name[256];

static void hand_over_shim(int nrest, char **rest) NORETURN;
static void hand_over_shim(int nrest, char **rest) {
#ifdef ADR_PY_SHIM
    char argv0[PATH_CAP];
    const char *self = shim_self;
#ifdef ADR_SHIM_DIR_BAKED
    if (strchr(self, '/') == NULL && join2(argv0, sizeof argv0, ADR_SHIM_DIR_BAKED, shim_name) == 0)
        self = argv0; /* as the kernel would have named a #! launcher found on PATH */
#endif
    char **args = calloc((size_t)nrest + 2, sizeof *args);
    if (args == NULL || setenv(ADR_ARGV0_VAR, self, 1) != 0)
        exit(126);
    args[0] = (char *)ADR_PY_SHIM;
    for (int i = 0; i < nrest; i++)
        args[i + 1] = rest[i];
    restore_sigpipe();
    execv(ADR_PY_SHIM, args);
    say(shim_name, ": adr shim: cannot run ", ADR_PY_SHIM, ": ", strerror(errno));
#else
    (void)nrest;
    (void)rest;
    say(shim_name, ": adr shim: built without a Python fallback", "", "", "");
#endif
    exit(126);
}

typedef struct {
    dev_t dev;
    ino_t ino;
    int ok;
} Ident;

static Ident ident(const char *p) {
    Ident id = {0, 0, 0};
    struct stat st;
    if (p != NULL && *p && stat(p, &st) == 0) {
        id.dev = st.st_dev;
        id.ino = st.st_ino;
        id.ok = 1;
    }
    return id;
}

static int same(Ident a, Ident b) { return a.ok && b.ok && a.dev == b.dev && a.ino == b.ino; }

/* shim.find_real: the first executable `name` on PATH that is neither in the shim directory (by path
 * or by inode) nor this program itself. */
static char *find_real(const char *name, const char *shim_dir) {
    Ident skip[2], me[4];
    char tmp[PATH_CAP];
    skip[0] = ident(shim_dir);
    me[0] = ident(shim_self);
    me[1] = ident("/proc/self/exe");
#ifdef ADR_SHIM_DIR_BAKED
    skip[1] = ident(ADR_SHIM_DIR_BAKED);
    me[2] = join2(tmp, sizeof tmp, ADR_SHIM_DIR_BAKED, ADR_SHIM_LAUNCHER) == 0 ? ident(tmp) : ident(NULL);
#else
    skip[1] = ident(NULL);
    me[2] = ident(NULL);
#endif
    me[3] = ident(NULL);
    const char *path = env_or("PATH", "");
    for (const char *d = path;;) {
        const char *e = strchr(d, ':');
        size_t dl = e ? (size_t)(e - d) : strlen(d);
        char dir[PATH_CAP];
        if (dl > 0 && dl < sizeof dir) {
            memcpy(dir, d, dl);
            dir[dl] = '\0';
            int skipped = strcmp(dir, shim_dir) == 0 || strcmp(dir, ".") == 0;
#ifdef ADR_SHIM_DIR_BAKED
            skipped = skipped || strcmp(dir, ADR_SHIM_DIR_BAKED) == 0;
#endif
            if (!skipped && (skip[0].ok || skip[1].ok)) {
                Ident di = ident(dir);
                skipped = same(di, skip[0]) || same(di, skip[1]);
            }
            while (dl > 0 && dir[dl - 1] == '/')
                dir[--dl] = '\0';
            struct stat st;
            int tn = skipped ? -1 : snprintf(tmp, sizeof tmp, "%s/%s", dir, name);
            if (tn > 0 && (size_t)tn < sizeof tmp && stat(tmp, &st) == 0) {
                Ident c = {st.st_dev, st.st_ino, 1};
                int mine = 0;
                for (size_t i = 0; i < 4; i++)
                    mine = mine || same(c, me[i]);
                if (!mine && S_ISREG(st.st_mode) && access(tmp, X_OK) == 0) {
                    char *r = malloc(strlen(tmp) + 1);
                    if (r != NULL)
                        memcpy(r, tmp, strlen(tmp) + 1);
                    return r;
                }
            }
        }
        if (e == NULL)
            return NULL;
        d = e + 1;
    }
}

static char *current_dir(void) { /* shim._cwd: getcwd, else $PWD */
    for (size_t cap = 4096; cap <= 65536; cap *= 2) {
        char *b = malloc(cap);
        if (b == NULL)
            break;
        if (getcwd(b, cap) != NULL)
            return b;
        free(b);
        if (errno != ERANGE)
            break;
    }
    const char *pwd = env_or("PWD", "");
    char *b = malloc(strlen(pwd) + 1);
    if (b != NULL)
        memcpy(b, pwd, strlen(pwd) + 1);
    return b;
}

static void shim_main(int nrest, char **rest) NORETURN;
static void shim_main(int nrest, char **rest) {
    if (base_name(shim_self, shim_name, sizeof shim_name) == NULL || !shim_name[0] ||
        strcmp(shim_name, ADR_CHECKER) == 0 || strcmp(shim_name, ADR_SHIM_PY_NAME) == 0)
        hand_over_shim(nrest, rest);
    const char *ds = env_or("ADR_SHIM_DEPTH", "");
    long depth = 0;
    size_t dn = strlen(ds);
    if (dn > 4)
        hand_over_shim(nrest, rest);
    for (size_t i = 0; i < dn; i++) {
        if (ds[i] < '0' || ds[i] > '9')
            hand_over_shim(nrest, rest); /* odd values: the Python shim's own rule */
        depth = depth * 10 + (ds[i] - '0');
    }
    if (depth >= ADR_MAX_DEPTH)
        hand_over_shim(nrest, rest); /* it refuses, saying why */
    char shim_dir[PATH_CAP];
    const char *sd = env_or("ADR_SHIM_DIR", "");
    if (*sd) {
        if (snprintf(shim_dir, sizeof shim_dir, "%s", sd) >= (int)sizeof shim_dir)
            hand_over_shim(nrest, rest);
    } else {
        const char *slash = strrchr(shim_self, '/');
        size_t n = slash ? (size_t)(slash - shim_self) : 0;
        if (n >= sizeof shim_dir)
            hand_over_shim(nrest, rest);
        memcpy(shim_dir, shim_self, n);
        shim_dir[n] = '\0';
    }
    char *real = find_real(shim_name, shim_dir);
    char sock[PATH_CAP];
    if (real == NULL || socket_path(sock, sizeof sock) != 0)
        hand_over_shim(nrest, rest); /* "command not found" is the Python shim's to say */
    double deadline = mono() + timeout_env();
    int fd = connect_daemon(sock, mono() + 0.5);
    if (fd < 0)
        hand_over_shim(nrest, rest);

    struct stat st0;
    int piped = fstat(0, &st0) == 0 && (S_ISFIFO(st0.st_mode) || S_ISSOCK(st0.st_mode));
    char *cwd = current_dir();
    char rid[17];
    request_id(rid);
    Buf req = {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE};
    int bad = cwd == NULL || buf_str(&req, "{\"v\":") || buf_long(&req, ADR_PROTOCOL_VERSION) ||
              buf_str(&req, ",\"op\":\"shim\",\"id\":\"") || buf_str(&req, rid) || buf_str(&req, "\",\"name\":") ||
              json_str(&req, shim_name) || buf_str(&req, ",\"args\":[");
    for (int i = 0; !bad && i < nrest; i++)
        bad = (i > 0 && buf_add(&req, ",", 1)) || json_str(&req, rest[i]);
    bad = bad || buf_str(&req, "],\"cwd\":") || json_str(&req, cwd) || buf_str(&req, ",\"pid\":") ||
          buf_long(&req, (long)getpid()) || buf_str(&req, ",\"ppid\":") || buf_long(&req, (long)getppid()) ||
          buf_str(&req, piped ? ",\"stdin_pipe\":true" : ",\"stdin_pipe\":false") ||
          buf_str(&req, ",\"session\":") || json_str(&req, env_or("ADR_SESSION", "")) ||
          buf_str(&req, ",\"agent\":") || json_str(&req, env_or("ADR_AGENT", "")) ||
          buf_str(&req, ",\"wrap_start\":") || json_str(&req, env_or("ADR_WRAP_START", "")) ||
          buf_str(&req, ",\"progress\":true,\"frame\":true}\n") || send_all(fd, req.p, req.len, deadline);
    free(cwd);
    free(req.p);
    if (bad) {
        close(fd);
        hand_over_shim(nrest, rest);
    }

    Buf in = {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE + (size_t)ADR_FRAME_HEADER_MAX};
    Unanswered un = {0, 0, {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE}, {NULL, 0, 0, (size_t)ADR_MAX_MESSAGE}};
    size_t off = 0;
    Frame f;
    for (;;) {
        int r = next_frame(fd, &in, &off, &f, deadline);
        if (r == GOT && f.kind == 'X') {
            close(fd);
            char v[32];
            snprintf(v, sizeof v, "%ld", depth + 1);
            if (setenv("ADR_SHIM_DEPTH", v, 1) != 0)
                hand_over_shim(nrest, rest);
            if (f.guard) { /* the script was judged whole: the bash guard may skip it (exec keeps the pid) */
                snprintf(v, sizeof v, "%ld", (long)getpid());
                if (setenv("ADR_GUARD_CHECKED", v, 1) != 0)
                    hand_over_shim(nrest, rest);
            }
            char **args = calloc((size_t)nrest + 2, sizeof *args);
            if (args == NULL)
                exit(126);
            args[0] = real; /* argv[0] is the real path: interpreters find their prefix from it */
            for (int i = 0; i < nrest; i++)
                args[i + 1] = rest[i];
            restore_sigpipe();
            execv(real, args);
            say(shim_name, ": cannot run ", real, ": ", strerror(errno));
            exit(126);
        }
        if (r == GOT && f.kind == 'R') {
            close(fd);
            print_and_exit(f.out, f.lo, f.err, f.le, f.code);
        }
        if (r == GOT && f.kind == 'P' && keep_unanswered(&un, &f) == 0) {
            deadline = mono() + f.wait_s + ADR_PENDING_MARGIN;
            continue;
        }
        close(fd);
        if ((r == R_TIMEOUT || r == R_EOF || r == R_ERR) && un.have) /* asked, then nothing: not run */
            print_and_exit(un.out.p ? un.out.p : "", un.out.len, un.err.p ? un.err.p : "", un.err.len, un.code);
        hand_over_shim(nrest, rest);
    }
}

/* ---- entry ---------------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    double started = mono();
    for (int fd = 0; fd <= 2; fd++) { /* a closed 0/1/2 must not become the daemon socket */
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (n >= 0 && n != fd) {
                (void)dup2(n, fd);
                close(n);
            }
        }
    }
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    (void)sigaction(SIGPIPE, &ign, &old_pipe);

    int nrest = argc > 0 ? argc - 1 : 0;
    char **rest = argc > 0 ? argv + 1 : argv;
    shim_self = (argc > 0 && argv[0] != NULL) ? argv[0] : "";
#if defined(__linux__) && defined(AT_EXECFN)
    { /* the path the kernel ran, as a #! launcher would see it (argv[0] is only what the caller said) */
        const char *fn = (const char *)(uintptr_t)getauxval(AT_EXECFN);
        if (fn != NULL && *fn)
            shim_self = fn;
    }
#endif
    char base[256];
    if (base_name(shim_self, base, sizeof base) != NULL && strcmp(base, ADR_HOOK_EXE) == 0) {
        if (nrest == 1 && strcmp(rest[0], "--adr-native-info") == 0) { /* build.py's self-test, doctor */
            printf("adr-native %d %s %s\n", ADR_PROTOCOL_VERSION, ADR_BUILD_ID, MODES);
#ifdef ADR_PY_HOOK
            printf("fallback-hook %s\n", ADR_PY_HOOK);
#endif
#ifdef ADR_PY_SHIM
            printf("fallback-shim %s\n", ADR_PY_SHIM);
#endif
            return fflush(stdout) == 0 ? 0 : 1;
        }
#ifdef ADR_PY_HOOK
        return hook_main(nrest, rest, started);
#endif
    }
    (void)started;
    shim_main(nrest, rest);
}
