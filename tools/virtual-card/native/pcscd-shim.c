/*
 * LD_PRELOAD shim for a private pcscd with the vpcd driver (Debian pcsc-lite 1.9.9, vsmartcard-vpcd 3.3):
 *  1. pcscd hard-codes /run/pcscd for its socket and pid file (it ignores PCSCLITE_CSOCK_NAME, which only the
 *     client library reads): paths under /run/pcscd are rewritten to $SCWS_PCSCD_RUN_DIR, so the private
 *     daemon never touches the system one.
 *  2. vpcd listens on INADDR_ANY: every AF_INET bind is rewritten to 127.0.0.1 port 0 (a free port), and
 *     the port actually bound is appended to $SCWS_VPCD_PORT_FILE (one line per reader slot, in order).
 *  3. vpcd sends the 2-byte length and the APDU in two send() calls; with Nagle on, the second waits for the
 *     peer's delayed ACK (~40 ms per APDU). Accepted sockets get TCP_NODELAY.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SYSTEM_RUN_DIR "/run/pcscd"

static const char *redirect(const char *path, char *buf, size_t size)
{
    const char *dir = getenv("SCWS_PCSCD_RUN_DIR");
    size_t n = strlen(SYSTEM_RUN_DIR);
    if (!dir || !path || strncmp(path, SYSTEM_RUN_DIR, n) != 0 || (path[n] != '\0' && path[n] != '/'))
        return path;
    if ((size_t)snprintf(buf, size, "%s%s", dir, path + n) >= size)
        return path;
    return buf;
}

#define REAL(name) static __typeof__(&name) real_##name; if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

int open(const char *path, int flags, ...)
{
    REAL(open);
    char buf[4096];
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return real_open(redirect(path, buf, sizeof buf), flags, mode);
}

int stat(const char *path, struct stat *st)
{
    REAL(stat);
    char buf[4096];
    return real_stat(redirect(path, buf, sizeof buf), st);
}

int lstat(const char *path, struct stat *st)
{
    REAL(lstat);
    char buf[4096];
    return real_lstat(redirect(path, buf, sizeof buf), st);
}

int mkdir(const char *path, mode_t mode)
{
    REAL(mkdir);
    char buf[4096];
    return real_mkdir(redirect(path, buf, sizeof buf), mode);
}

int chmod(const char *path, mode_t mode)
{
    REAL(chmod);
    char buf[4096];
    return real_chmod(redirect(path, buf, sizeof buf), mode);
}

int remove(const char *path)
{
    REAL(remove);
    char buf[4096];
    return real_remove(redirect(path, buf, sizeof buf));
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    REAL(bind);
    if (addr && addr->sa_family == AF_UNIX && len <= sizeof(struct sockaddr_un)) {
        struct sockaddr_un un;
        char buf[sizeof un.sun_path];
        memcpy(&un, addr, len);
        const char *path = redirect(un.sun_path, buf, sizeof buf);
        if (path != un.sun_path) {
            memset(un.sun_path, 0, sizeof un.sun_path);
            strncpy(un.sun_path, path, sizeof un.sun_path - 1);
            return real_bind(fd, (struct sockaddr *)&un, sizeof un);
        }
        return real_bind(fd, addr, len);
    }
    if (addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        struct sockaddr_in in;
        memcpy(&in, addr, sizeof in);
        in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        in.sin_port = 0;
        int r = real_bind(fd, (struct sockaddr *)&in, sizeof in);
        const char *file = getenv("SCWS_VPCD_PORT_FILE");
        socklen_t got = sizeof in;
        if (r == 0 && file && getsockname(fd, (struct sockaddr *)&in, &got) == 0) {
            char line[16];
            int n = snprintf(line, sizeof line, "%u\n", (unsigned)ntohs(in.sin_port));
            REAL(open);
            int out = real_open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            if (out >= 0) {
                if (write(out, line, (size_t)n) != n) perror("pcscd-shim: port file");
                close(out);
            }
        }
        return r;
    }
    return real_bind(fd, addr, len);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    REAL(accept);
    int client = real_accept(fd, addr, len);
    /* SCWS_VPCD_NAGLE=1 keeps Nagle on, to measure what TCP_NODELAY saves. */
    if (client >= 0 && !getenv("SCWS_VPCD_NAGLE")) {
        int yes = 1;
        /* Fails harmlessly (ENOTSUP) on the Unix socket of pcscd's clients. */
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    }
    return client;
}
