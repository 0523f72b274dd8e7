/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The scan orchestrator, the top of a scan: it makes a scan's memory, has
 * the scanners fill it (PCI, class devices, mdev, USB, SCSI; or a targeted
 * fill from scan-device.c), has the tree made of it, learns whether the host
 * has IOMMU groups, and hands the finished scan to the context.  Calls go
 * one way, down: orchestrator -> scanners -> sysfs helpers -> path.c, with
 * the scan memory and the tree below them and the context holding state.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "hostdev-internal.h"

/* ---------------------------------------------------------------- two scanners at once
 * The scan waits on the kernel (path walks, reads), one syscall after the
 * other: USB and SCSI are scanned by a second thread, into a scan of its
 * own, while this one scans PCI, the class devices (net, block, sg, ...)
 * and mdev; the second scan is then merged.  Nothing is shared but the
 * sysroot's fds, read through *at() calls; the thread's messages are
 * replayed after it ends. */
struct scan_job {
        struct hd_ctx *ctx;     /* the worker's context */
        struct hd__scan *s;
        int r;
};

static int scan_usb_scsi(struct hd_ctx *ctx, struct hd__scan *s)
{
        int r = hd__scan_usb(ctx, s);

        return r < 0 ? r : hd__scan_scsi(ctx, s);
}

static void *scan_thread(void *data)
{
        struct scan_job *j = data;

        j->r = scan_usb_scsi(j->ctx, j->s);
        return NULL;
}

static int scan_main(struct hd_ctx *ctx, struct hd__scan *s)
{
        int r = hd__scan_pci(ctx, s);

        if (r >= 0)
                r = hd__scan_class(ctx, s);
        if (r >= 0)
                r = hd__scan_mdev(ctx, s);
        return r;
}

/* A second thread only helps with a second CPU to run it */
static bool several_cpus(void)
{
        cpu_set_t set;

        return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1;
}

static bool job_start(const struct hd_ctx *ctx, struct scan_job *job, pthread_t *t)
{
        if (!several_cpus())
                return false;
        job->ctx = hd__ctx_worker_new(ctx);
        job->s = hd__scan_new();
        return job->ctx && job->s && pthread_create(t, NULL, scan_thread, job) == 0;
}

static int fill_all(struct hd_ctx *ctx, struct hd__scan *s, void *data)
{
        struct scan_job job = { NULL, NULL, 0 };
        bool threaded;
        pthread_t t;
        int r;

        (void)data;
        threaded = job_start(ctx, &job, &t);
        r = scan_main(ctx, s);
        if (!threaded) {                /* one thread: the same work, in turn */
                hd__ctx_worker_free(ctx, job.ctx);
                hd__scan_free(job.s);
                return r < 0 ? r : scan_usb_scsi(ctx, s);
        }
        pthread_join(t, NULL);
        hd__ctx_worker_free(ctx, job.ctx);
        if (r >= 0)
                r = job.r;
        if (r >= 0)
                return hd__scan_merge(ctx, s, job.s);
        hd__scan_free(job.s);
        return r;
}

/* ---------------------------------------------------------------- the names meanwhile
 * libpci reads its name list (pci.ids: some 25 M instructions) at the first
 * name asked for, after the scan, on the one thread that prints.  When the
 * caller says it will ask for names (hd_ctx_set_names_prefetch), a thread
 * reads it while the scan and the tree are made, and is joined before the
 * scan is handed over: nothing can ask for a name before.  With one CPU the
 * list is read first, in turn; with names off it is not read. */
struct names_job {
        struct hd__names *n;
        struct hd_ctx *log;     /* a worker context: messages replayed */
        pthread_t t;
};

static void *names_thread(void *data)
{
        struct names_job *j = data;

        hd__names_prefetch(j->n, j->log);
        return NULL;
}

/* Returns: whether a thread reads the list (else it was read here, or is
 * not to be read) */
static bool names_start(struct hd_ctx *ctx, struct names_job *j)
{
        j->n = hd__names_prefetch_begin(ctx);
        if (!j->n)
                return false;
        j->log = several_cpus() ? hd__ctx_worker_new(ctx) : NULL;
        if (j->log && pthread_create(&j->t, NULL, names_thread, j) == 0)
                return true;
        if (j->log)
                hd__ctx_worker_free(ctx, j->log);
        hd__names_prefetch(j->n, ctx);  /* one CPU: in turn, as the first lookup would */
        return false;
}

static void names_end(struct hd_ctx *ctx, struct names_job *j)
{
        pthread_join(j->t, NULL);
        hd__ctx_worker_free(ctx, j->log);
}

/* ---------------------------------------------------------------- a whole scan */

static struct hd__scan *scan_build(struct hd_ctx *ctx, hd_scan_fill_fn fill, void *data, int *err)
{
        struct hd__scan *s = hd__scan_new();
        int r;

        if (!s) {
                *err = -ENOMEM;
                return NULL;
        }
        r = fill(ctx, s, data);
        if (r >= 0)
                r = hd__tree_build(ctx, s);
        if (r >= 0)
                r = hd__scan_iommu(ctx, s);
        if (r >= 0)
                return s;
        hd__scan_free(s);
        *err = r;
        return NULL;
}

int hd__scan_run(struct hd_ctx *ctx, hd_scan_fill_fn fill, void *data)
{
        struct names_job names;
        bool prefetch = names_start(ctx, &names);
        int err = 0;
        struct hd__scan *s = scan_build(ctx, fill, data, &err);

        if (prefetch)
                names_end(ctx, &names);
        if (!s)
                return err < 0 ? err : -ENOMEM;
        hd__ctx_set_scan(ctx, s);
        return (int)hd_ctx_get_n_devices(ctx);
}

HD_EXPORT int hd_ctx_scan(struct hd_ctx *ctx)
{
        struct hd__root *root = hd__ctx_root(ctx);
        int r;

        if (!root)
                return hd__error(ctx, -errno ? -errno : -EIO, "cannot open /");
        if (hd__root_sysfd(root) < 0)
                return hd__error(ctx, -ENOTDIR, "%s: no sys/ directory", hd__root_path(root));
        hd__log_cap_begin(ctx);
        r = hd__scan_run(ctx, fill_all, NULL);
        hd__log_cap_end(ctx);
        return r;
}
