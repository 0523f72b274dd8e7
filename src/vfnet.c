/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The MAC address and VLAN of an SR-IOV virtual function, set through its
 * physical function over rtnetlink (what `ip link set PF vf N mac M vlan V`
 * and libvirt's <interface type='hostdev'> do), and put back afterwards.
 *
 * The PF's interface comes from sysfs (the PF's net/IFNAME), the VF's index
 * from the PF's virtfnN links.  Before the first change the VF's settings
 * are read (RTM_GETLINK with the VF list) and recorded in
 * SYSROOT/run/hostdev/vf-net.json, under the binder's lock file in the same
 * directory; hd_vf_net_restore() puts them back and drops the record.
 * Netlink cannot be pointed at a sysroot: below one, only a dry run is
 * possible, which reports the plan without the VF's current settings.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/if_ether.h>     /* ETH_ALEN */
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <cjson/cJSON.h>

#include "abi.h"
#include "hostdev-internal.h"

#define VFNET_DIR "run/hostdev"         /* relative to the sysroot, as the binder's state */
#define VFNET_FILE "vf-net.json"
#define VFNET_LOCK "lock"
#define NL_BUF 65536
#define VLAN_ID_MAX 4095                /* 12 bits (802.1Q) */
#define MAC_TEXT_LEN 17                 /* xx:xx:xx:xx:xx:xx */

HD_EXPORT void hd_vf_net_opts_init(struct hd_vf_net_opts *o)
{
        memset(o, 0, sizeof(*o));
        o->size = sizeof(*o);
        o->vlan = -1;
}

/* ---------------------------------------------------------------- sysfs: PF, index */

struct vf_where {
        char ifname[IFNAMSIZ];
        int index;              /* the VF's number on its PF */
};

static int locate(struct hd_ctx *ctx, struct hd_dev *vf, struct vf_where *w)
{
        struct hd_dev *pf = vf && vf->type == HD_DEV_PCI ? vf->physfn : NULL;
        int sysfd = hd__root_sysfd(hd__ctx_root(ctx));
        const char *ifname = NULL;

        if (!pf)
                return hd__error(ctx, -EINVAL, "%s: not an SR-IOV virtual function (no physfn)",
                                 vf ? vf->name : "?");
        for (struct hd_dev *c = pf->first_child; c && !ifname; c = c->next_sibling)
                if (c->type == HD_DEV_NET)
                        ifname = c->sysname;
        if (!ifname || strlen(ifname) >= sizeof(w->ifname))
                return hd__error(ctx, -ENODEV, "%s: its PF %s has no network interface to set "
                                 "the VF's MAC and VLAN through", vf->name, pf->name);
        snprintf(w->ifname, sizeof(w->ifname), "%s", ifname);
        for (int i = 0; i < 4096; i++) {
                char rel[PATH_MAX], base[64];
                snprintf(rel, sizeof(rel), "%s/virtfn%d", pf->path, i);
                if (hd__readlink_base_at(sysfd, rel, base, sizeof(base)) < 0)
                        break;
                if (streq(base, vf->address)) {
                        w->index = i;
                        return 0;
                }
        }
        return hd__error(ctx, -ENODEV, "%s: no virtfnN link of %s names it", vf->name, pf->name);
}

/* ---------------------------------------------------------------- rtnetlink */

struct nlreq {
        struct nlmsghdr *h;
        char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static struct rtattr *put_attr(struct nlreq *q, int type, const void *data, size_t len)
{
        struct rtattr *a = (struct rtattr *)((char *)q->h + NLMSG_ALIGN(q->h->nlmsg_len));

        a->rta_type = (unsigned short)type;
        a->rta_len = (unsigned short)RTA_LENGTH(len);
        if (len)
                memcpy(RTA_DATA(a), data, len);
        q->h->nlmsg_len = NLMSG_ALIGN(q->h->nlmsg_len) + RTA_ALIGN(a->rta_len);
        return a;
}

static void end_nest(struct nlreq *q, struct rtattr *nest)
{
        nest->rta_len = (unsigned short)((char *)q->h + q->h->nlmsg_len - (char *)nest);
}

static void start(struct nlreq *q, int type, int flags, int ifindex)
{
        struct ifinfomsg *ifi;

        memset(q->buf, 0, sizeof(q->buf));
        q->h = (struct nlmsghdr *)q->buf;
        q->h->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
        q->h->nlmsg_type = (unsigned short)type;
        q->h->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
        q->h->nlmsg_seq = 1;
        ifi = NLMSG_DATA(q->h);
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = ifindex;
}

/* Send Q and read the answer into BUF; returns its length or -errno (an
 * NLMSG_ERROR answer gives its error, 0 for a plain ack). */
static int talk(struct nlreq *q, char *buf, size_t size)
{
        struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
        _cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        ssize_t n;

        if (fd < 0)
                return -errno;
        if (sendto(fd, q->h, q->h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return -errno;
        n = recv(fd, buf, size, 0);
        if (n < 0)
                return -errno;
        if ((size_t)n >= sizeof(struct nlmsghdr)) {
                struct nlmsghdr *h = (struct nlmsghdr *)buf;
                if (h->nlmsg_type == NLMSG_ERROR && NLMSG_OK(h, (size_t)n)) {
                        struct nlmsgerr *e = NLMSG_DATA(h);
                        return e->error;
                }
        }
        return (int)n;
}

/* In the IFLA_VF_INFO entry INFO: VF's MAC and VLAN.  Returns: 0, -ENOENT for another VF. */
static int vf_info(struct rtattr *info, int vf, char *mac, size_t mac_size, int *vlan)
{
        const struct ifla_vf_mac *m = NULL;
        const struct ifla_vf_vlan *v = NULL;
        int len = (int)RTA_PAYLOAD(info);

        for (struct rtattr *x = RTA_DATA(info); RTA_OK(x, len); x = RTA_NEXT(x, len)) {
                if (x->rta_type == IFLA_VF_MAC && RTA_PAYLOAD(x) >= sizeof(*m))
                        m = RTA_DATA(x);
                else if (x->rta_type == IFLA_VF_VLAN && RTA_PAYLOAD(x) >= sizeof(*v))
                        v = RTA_DATA(x);
        }
        if (!m || (int)m->vf != vf)
                return -ENOENT;
        snprintf(mac, mac_size, "%02x:%02x:%02x:%02x:%02x:%02x", m->mac[0], m->mac[1], m->mac[2],
                 m->mac[3], m->mac[4], m->mac[5]);
        *vlan = v ? (int)v->vlan : 0;
        return 0;
}

/* The VF's current MAC ("xx:..") and VLAN from RTM_GETLINK on the PF. */
static int get_vf(struct hd_ctx *ctx, int ifindex, int vf, char *mac, size_t mac_size, int *vlan)
{
        _cleanup_free_ char *buf = malloc(NL_BUF);
        struct nlreq q;
        uint32_t mask = RTEXT_FILTER_VF;
        struct nlmsghdr *h;
        struct rtattr *a;
        int n, len;

        if (!buf)
                return -ENOMEM;
        start(&q, RTM_GETLINK, 0, ifindex);
        put_attr(&q, IFLA_EXT_MASK, &mask, sizeof(mask));
        n = talk(&q, buf, NL_BUF);
        if (n < 0)
                return hd__error(ctx, n, "netlink: reading the VFs of interface %d: %s", ifindex,
                                 strerror(-n));
        h = (struct nlmsghdr *)buf;
        if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != RTM_NEWLINK)
                return hd__error(ctx, -EPROTO, "netlink: unexpected answer to RTM_GETLINK");
        len = (int)IFLA_PAYLOAD(h);
        for (a = IFLA_RTA(NLMSG_DATA(h)); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
                int l2 = (int)RTA_PAYLOAD(a);
                if (a->rta_type != IFLA_VFINFO_LIST)
                        continue;
                for (struct rtattr *i = RTA_DATA(a); RTA_OK(i, l2); i = RTA_NEXT(i, l2))
                        if (vf_info(i, vf, mac, mac_size, vlan) == 0)
                                return 0;
        }
        return hd__error(ctx, -ENOENT, "netlink: interface %d reports no VF %d", ifindex, vf);
}

static int parse_mac(const char *s, unsigned char out[ETH_ALEN])
{
        unsigned v[6];
        char end;

        if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
                return -EINVAL;
        for (int i = 0; i < ETH_ALEN; i++)
                out[i] = (unsigned char)v[i];
        return 0;
}

static int set_vf(struct hd_ctx *ctx, int ifindex, int vf, const char *mac, int vlan)
{
        char ack[1024];
        struct nlreq q;
        struct rtattr *list, *info;
        int r;

        start(&q, RTM_SETLINK, NLM_F_ACK, ifindex);
        list = put_attr(&q, IFLA_VFINFO_LIST | NLA_F_NESTED, NULL, 0);
        info = put_attr(&q, IFLA_VF_INFO | NLA_F_NESTED, NULL, 0);
        if (mac) {
                struct ifla_vf_mac m = { .vf = (uint32_t)vf };
                if (parse_mac(mac, m.mac) < 0)
                        return hd__error(ctx, -EINVAL, "MAC address '%s' unreadable", mac);
                put_attr(&q, IFLA_VF_MAC, &m, sizeof(m));
        }
        if (vlan >= 0) {
                struct ifla_vf_vlan v = { .vf = (uint32_t)vf, .vlan = (uint32_t)vlan, .qos = 0 };
                put_attr(&q, IFLA_VF_VLAN, &v, sizeof(v));
        }
        end_nest(&q, info);
        end_nest(&q, list);
        r = talk(&q, ack, sizeof(ack));
        if (r < 0)
                return hd__error(ctx, r, "netlink: setting VF %d of interface %d: %s", vf, ifindex,
                                 strerror(-r));
        return 0;
}

/* ---------------------------------------------------------------- the record */

static int records_error(struct hd_ctx *ctx, int r)
{
        return hd__error(ctx, r, "%s/%s: %s", VFNET_DIR, VFNET_FILE, strerror(-r));
}

static int load_records(struct hd_ctx *ctx, int dirfd, cJSON **ret)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = hd__read_alloc_at(dirfd, VFNET_FILE, 1 << 20, &text, &len);

        if (r == -ENOENT) {
                *ret = cJSON_CreateObject();
                return *ret ? 0 : records_error(ctx, -ENOMEM);
        }
        if (r < 0)
                return records_error(ctx, r);
        *ret = cJSON_ParseWithLength(text, len);
        if (!*ret || !cJSON_IsObject(*ret)) {
                cJSON_Delete(*ret);
                *ret = NULL;
                return records_error(ctx, -EBADMSG);
        }
        return 0;
}

/* Returns: 0 or a negative errno (message in ctx). */
static int save_records(struct hd_ctx *ctx, int dirfd, cJSON *recs)
{
        _cleanup_free_ char *text = cJSON_Print(recs);
        int r = text ? hd__write_file_atomic_at(dirfd, VFNET_FILE, text, strlen(text), 0644)
                     : -ENOMEM;

        return r < 0 ? records_error(ctx, r) : 0;
}

static void report(const struct hd_vf_net_opts *o, const char *fmt, ...) _printf_(2, 3);
static void report(const struct hd_vf_net_opts *o, const char *fmt, ...)
{
        char line[256];
        va_list ap;

        if (!o->on_change)
                return;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        o->on_change(o->data, line);
}

static void report_set(const struct hd_vf_net_opts *o, const struct vf_where *w)
{
        char vlan[32] = "";

        if (o->vlan >= 0)
                snprintf(vlan, sizeof(vlan), " vlan %d", o->vlan);
        report(o, "netlink %s vf %d%s%s%s", w->ifname, w->index, o->mac ? " mac " : "",
               o->mac ? o->mac : "", vlan);
}

/* Open the state directory and take the lock: *dirfd and *lockfd. */
static int open_state(struct hd_ctx *ctx, int *dirfd, int *lockfd)
{
        int rootfd = hd__root_fd(hd__ctx_root(ctx));

        *dirfd = hd__mkdir_open_at(rootfd, VFNET_DIR, 0755);
        if (*dirfd < 0)
                return hd__error(ctx, *dirfd, "%s: %s", VFNET_DIR, strerror(-*dirfd));
        *lockfd = hd__lock_at(*dirfd, VFNET_LOCK, 30000);
        if (*lockfd < 0) {
                int r = *lockfd;
                close(*dirfd);
                *dirfd = -1;
                return hd__error(ctx, r, "%s/%s: %s", VFNET_DIR, VFNET_LOCK, strerror(-r));
        }
        return 0;
}

/* Open the state directory, take the lock and load the records into *RECS.
 * Returns: 0 or a negative errno (message in ctx). */
static int open_records(struct hd_ctx *ctx, int *dirfd, int *lockfd, cJSON **recs)
{
        int r = open_state(ctx, dirfd, lockfd);

        return r < 0 ? r : load_records(ctx, *dirfd, recs);
}

/* Returns: 0 or -EINVAL (message in ctx). */
static int check_opts(struct hd_ctx *ctx, const struct hd_vf_net_opts *o)
{
        unsigned char m[ETH_ALEN];

        if (o->vlan > VLAN_ID_MAX)
                return hd__error(ctx, -EINVAL, "VLAN %d out of range (0-%d)", o->vlan, VLAN_ID_MAX);
        if (o->mac && (parse_mac(o->mac, m) < 0 || strlen(o->mac) != MAC_TEXT_LEN || (m[0] & 1)))
                return hd__error(ctx, -EINVAL, "MAC address '%s': want a unicast "
                                 "xx:xx:xx:xx:xx:xx", o->mac);
        return 0;
}

/* The first change records what the VF had; later ones keep that.
 * Returns: 0 or a negative errno (message in ctx). */
static int record_first(struct hd_ctx *ctx, int dirfd, cJSON *recs, const struct hd_dev *vf,
                        const struct vf_where *w, int ifindex)
{
        char was_mac[32];
        int was_vlan = 0, r;
        cJSON *rec;

        if (cJSON_GetObjectItemCaseSensitive(recs, vf->address))
                return 0;
        r = get_vf(ctx, ifindex, w->index, was_mac, sizeof(was_mac), &was_vlan);
        if (r < 0)
                return r;
        rec = cJSON_AddObjectToObject(recs, vf->address);
        if (!rec || !cJSON_AddStringToObject(rec, "pf", w->ifname) ||
            !cJSON_AddNumberToObject(rec, "vf", w->index) ||
            !cJSON_AddStringToObject(rec, "mac", was_mac) ||
            !cJSON_AddNumberToObject(rec, "vlan", was_vlan))
                return hd__error(ctx, -ENOMEM, "out of memory");
        return save_records(ctx, dirfd, recs);
}

HD_EXPORT int hd_vf_net_set(struct hd_ctx *ctx, struct hd_dev *vf, const struct hd_vf_net_opts *o)
{
        _cleanup_close_ int dirfd = -1, lockfd = -1;
        struct vf_where w;
        cJSON *recs = NULL;
        int ifindex, r;

        r = HD__OPTS_CHECK(ctx, o, hd_vf_net_opts);
        if (r < 0)
                return r;
        if (!o || (!o->mac && o->vlan < 0))
                return 0;
        r = check_opts(ctx, o);
        if (r >= 0)
                r = locate(ctx, vf, &w);
        if (r < 0)
                return r;
        if (o->dry_run) {
                report_set(o, &w);
                return 0;
        }
        if (!hd_ctx_is_live(ctx))
                return hd__error(ctx, -EOPNOTSUPP, "%s: netlink cannot be pointed at a sysroot; "
                                 "--dry-run shows what would be set", vf->name);
        ifindex = (int)if_nametoindex(w.ifname);
        if (ifindex <= 0)
                return hd__error(ctx, -ENODEV, "%s: no interface %s", vf->name, w.ifname);
        r = open_records(ctx, &dirfd, &lockfd, &recs);
        if (r < 0)
                return r;
        r = record_first(ctx, dirfd, recs, vf, &w, ifindex);
        if (r >= 0)
                r = set_vf(ctx, ifindex, w.index, o->mac, o->vlan);
        if (r >= 0)
                report_set(o, &w);
        cJSON_Delete(recs);
        return r;
}

HD_EXPORT int hd_vf_net_restore(struct hd_ctx *ctx, struct hd_dev *vf, const struct hd_vf_net_opts *o)
{
        _cleanup_close_ int dirfd = -1, lockfd = -1;
        cJSON *recs = NULL, *rec, *pf, *idx, *mac, *vlan;
        int ifindex, r;

        r = HD__OPTS_CHECK(ctx, o, hd_vf_net_opts);
        if (r < 0)
                return r;
        if (!vf || vf->type != HD_DEV_PCI || !vf->physfn)
                return 0;
        if (!hd__exists_at(hd__root_fd(hd__ctx_root(ctx)), VFNET_DIR "/" VFNET_FILE))
                return 0;
        r = open_records(ctx, &dirfd, &lockfd, &recs);
        if (r < 0)
                return r;
        rec = cJSON_GetObjectItemCaseSensitive(recs, vf->address);
        if (!rec)
                goto out;
        pf = cJSON_GetObjectItemCaseSensitive(rec, "pf");
        idx = cJSON_GetObjectItemCaseSensitive(rec, "vf");
        mac = cJSON_GetObjectItemCaseSensitive(rec, "mac");
        vlan = cJSON_GetObjectItemCaseSensitive(rec, "vlan");
        if (!cJSON_IsString(pf) || !cJSON_IsNumber(idx) || !cJSON_IsString(mac) || !cJSON_IsNumber(vlan)) {
                r = hd__error(ctx, -EBADMSG, "%s/%s: bad record for %s", VFNET_DIR, VFNET_FILE,
                              vf->address);
                goto out;
        }
        if (o && o->dry_run) {
                report(o, "netlink %s vf %d mac %s vlan %d", pf->valuestring, idx->valueint,
                       mac->valuestring, vlan->valueint);
                goto out;
        }
        if (!hd_ctx_is_live(ctx)) {
                r = hd__error(ctx, -EOPNOTSUPP, "%s: netlink cannot be pointed at a sysroot", vf->name);
                goto out;
        }
        ifindex = (int)if_nametoindex(pf->valuestring);
        if (ifindex <= 0) {
                r = hd__error(ctx, -ENODEV, "%s: no interface %s", vf->name, pf->valuestring);
                goto out;
        }
        r = set_vf(ctx, ifindex, idx->valueint, mac->valuestring, vlan->valueint);
        if (r < 0)
                goto out;
        if (o)
                report(o, "netlink %s vf %d mac %s vlan %d", pf->valuestring, idx->valueint,
                       mac->valuestring, vlan->valueint);
        cJSON_DeleteItemFromObjectCaseSensitive(recs, vf->address);
        r = save_records(ctx, dirfd, recs);
out:
        cJSON_Delete(recs);
        return r < 0 ? r : 0;
}
