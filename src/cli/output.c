/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tables and the text tree from the column table, JSON of columns or of
 * properties (lsblk-like); output.h says which function does what. */
#define _GNU_SOURCE
#include <ctype.h>
#include <langinfo.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output.h"

void out_list_columns(const struct column *columns)
{
        for (const struct column *c = columns; c->name; c++)
                printf("%-12s %s\n", c->name, c->help);
}

void out_json_add_string(cJSON *obj, const char *key, const char *s)
{
        const unsigned char *p;
        char *safe;

        if (!s) {
                cJSON_AddNullToObject(obj, key);
                return;
        }
        for (p = (const unsigned char *)s; *p && *p < 0x80; p++)
                ;
        if (!*p) {      /* ASCII is valid UTF-8: the JSON encoder escapes the rest */
                cJSON_AddStringToObject(obj, key, s);
                return;
        }
        safe = hd_escape(s, HD_ESCAPE_UTF8);
        cJSON_AddStringToObject(obj, key, safe ? safe : "");
        free(safe);
}

cJSON *out_json_device(struct hd_dev *d)
{
        cJSON *o = cJSON_CreateObject();
        const char *key;
        struct hd_value v;

        for (size_t i = 0; hd_dev_get_property_at(d, i, &key, &v) == 0; i++) {
                switch (v.kind) {
                case HD_VALUE_STRING: out_json_add_string(o, key, v.str); break;
                case HD_VALUE_INT: {
                        /* integers as integers: cJSON would print a double with %1.15g */
                        char num[24];
                        snprintf(num, sizeof(num), "%lld", v.num);
                        cJSON_AddRawToObject(o, key, num);
                        break;
                }
                case HD_VALUE_BOOL: cJSON_AddBoolToObject(o, key, v.num != 0); break;
                default: cJSON_AddNullToObject(o, key); break;
                }
        }
        return o;
}

/* ---------------------------------------------------------------- streaming list -J
 * One cJSON object per device type, made once, whose items are pointed at
 * each device's values in turn (cJSON_IsReference: never copied or freed),
 * printed into one reused buffer: no allocation per device on big hosts. */
#define TPL_MAX 48

struct json_tpl {
        cJSON *obj[_HD_DEV_TYPE_MAX];
        char val[TPL_MAX][64];          /* formatted numbers */
        char *owned[TPL_MAX];           /* escaped copies of non-ASCII strings */
        char *buf;
        int size;
        bool filter;                    /* a string holds DEL or non-ASCII */
};

/* ASCII without DEL: needs neither escaping nor the DEL/C1 output filter */
static bool is_ascii(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s >= 0x7f)
                        return false;
        return true;
}

static cJSON *tpl_object(struct json_tpl *t, struct hd_dev *d)
{
        enum hd_dev_type type = hd_dev_get_type(d);
        const char *key;

        if (t->obj[type])
                return t->obj[type];
        t->obj[type] = cJSON_CreateObject();
        for (size_t i = 0; t->obj[type] && hd_dev_get_property_at(d, i, &key, NULL) == 0; i++)
                if (!(hd_dev_get_property_flags(d, i) & HD_PROPERTY_DETAIL))
                        cJSON_AddNullToObject(t->obj[type], key);
        return t->obj[type];
}

/* "%lld" without printf: this runs for every integer of every device */
static void format_int(char *out, long long n)
{
        char tmp[24];
        unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
        size_t k = 0, o = 0;

        do
                tmp[k++] = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        if (n < 0)
                out[o++] = '-';
        while (k > 0)
                out[o++] = tmp[--k];
        out[o] = '\0';
}

static void tpl_set(struct json_tpl *t, size_t k, cJSON *item, const struct hd_value *v)
{
        item->valuestring = NULL;
        switch (v->kind) {
        case HD_VALUE_STRING:
                if (!is_ascii(v->str)) {
                        t->filter = true;
                        t->owned[k] = hd_escape(v->str, HD_ESCAPE_UTF8);
                        item->valuestring = t->owned[k];
                } else {
                        item->valuestring = (char *)v->str;     /* the device's own string */
                }
                item->type = item->valuestring ? cJSON_String | cJSON_IsReference : cJSON_NULL;
                break;
        case HD_VALUE_INT:
                format_int(t->val[k], v->num);
                item->valuestring = t->val[k];
                item->type = cJSON_Raw | cJSON_IsReference;
                break;
        case HD_VALUE_BOOL:
                item->type = v->num ? cJSON_True : cJSON_False;
                break;
        default:
                item->type = cJSON_NULL;
                break;
        }
}

static void tpl_free(struct json_tpl *t)
{
        for (int i = 0; i < _HD_DEV_TYPE_MAX; i++)
                cJSON_Delete(t->obj[i]);        /* references are not freed */
        free(t->buf);
}

/* D's values that list -J prints (not the detail: its getters would read
 * sysfs for nothing), in order, into V (room for TPL_MAX).  Returns: how
 * many. */
static size_t json_values(struct hd_dev *d, struct hd_value *v)
{
        size_t k = 0;
        int flags;

        for (size_t i = 0; k < TPL_MAX && (flags = hd_dev_get_property_flags(d, i)) >= 0; i++) {
                if (flags & HD_PROPERTY_DETAIL)
                        continue;
                if (hd_dev_get_property_at(d, i, NULL, &v[k]) < 0)
                        break;
                k++;
        }
        return k;
}

/* Render D's object of its N values V without its closing brace, compact,
 * so that a "children" array can follow, into T's buffer; its length in
 * *LEN and whether it needs out_put_json's filter in T->filter.  Calls no
 * getter.  Returns: 0, or -1 without memory. */
static int json_print(struct json_tpl *t, struct hd_dev *d, const struct hd_value *v, size_t n,
                      size_t *len)
{
        cJSON *o = tpl_object(t, d), *item;
        size_t k = 0;
        int ok = 0;

        if (!o)
                return -1;
        t->filter = false;
        for (item = o->child; item && k < n; item = item->next, k++)
                tpl_set(t, k, item, &v[k]);
        for (;;) {
                if (!t->buf && !(t->buf = malloc((size_t)(t->size = t->size ? t->size : 4096))))
                        break;
                ok = cJSON_PrintPreallocated(o, t->buf, t->size, false);
                if (ok || t->size > (1 << 24))
                        break;
                free(t->buf);
                t->buf = NULL;
                t->size *= 4;
        }
        for (size_t i = 0; i < k; i++) {
                free(t->owned[i]);
                t->owned[i] = NULL;
        }
        if (!ok)
                return -1;
        *len = strlen(t->buf);
        if (*len < 2 || t->buf[*len - 1] != '}')
                return -1;
        (*len)--;
        return 0;
}

/* D's object, as json_print() */
static int json_render(struct json_tpl *t, struct hd_dev *d, size_t *len)
{
        struct hd_value v[TPL_MAX];

        return json_print(t, d, v, json_values(d, v), len);
}

static void json_write(const char *s, size_t len, bool filter)
{
        if (filter)
                out_put_json(stdout, s, len);
        else
                fwrite(s, 1, len, stdout);
}

/* Print one device object without its closing brace */
static int json_put_open(struct json_tpl *t, struct hd_dev *d)
{
        size_t len;

        if (json_render(t, d, &len) < 0)
                return -1;
        json_write(t->buf, len, t->filter);
        return 0;
}

/* ---------------------------------------------------------------- list -J on two cores
 * On a big host printing the objects takes about as long as the scan's user
 * time.  The shown devices go in blocks, alternately this thread's (even:
 * printed as they are rendered) and a second thread's (odd: rendered into
 * one of JSON_SLOTS buffers, which this thread prints in turn and hands
 * back); the thread has its own template (cJSON_PrintPreallocated allocates
 * and shares nothing), and memory stays a few blocks' text and values
 * however big the host.  The getters fill names (libpci, the hwdb: not
 * thread-safe) and formatted ids (the scan's memory) on their first call:
 * this thread gets the values of an odd block's devices (json_values: all
 * the getters run here) into the block's slot before the second thread may
 * print them, so the second thread calls no getter and touches nothing of
 * the library's but the devices' strings. */
#define JSON_THREAD_MIN 1024    /* shown devices worth a thread (~1 us each) */
/* shown devices per block: this thread also gets the odd blocks' values and
 * prints them, so it renders fewer (measured at scale 32; bigger blocks
 * wait less on a busy machine) */
#define JSON_BLOCK_MINE 192     /* even blocks: this thread */
#define JSON_BLOCK_THEIRS 320   /* odd blocks: the second thread */
#define JSON_SLOTS 3            /* odd blocks in flight: values got ahead, rendered, printed */

struct json_piece {
        size_t off, len;        /* in the slot's text */
        bool filter;            /* needs out_put_json's filter */
};

struct json_slot {
        char *text;
        size_t len, cap;
        struct json_piece piece[JSON_BLOCK_THEIRS];    /* by rank among the shown */
        /* the block's values, got here: device J's from val_at[J] to val_at[J + 1] */
        struct hd_value *val;
        size_t val_cap, n;      /* N: the block's shown devices */
        size_t val_at[JSON_BLOCK_THEIRS + 1];
};

struct json_pipe {
        struct cli *cli;
        const bool *show;
        size_t *start;          /* device index where block B starts; [n_blocks] = n */
        size_t n_blocks;
        struct json_tpl tpl;    /* the second thread's */
        struct json_slot slot[JSON_SLOTS];
        pthread_t t;
        pthread_mutex_t lock;
        pthread_cond_t cond;
        /* odd blocks (the K-th is block 2K + 1) whose values were got,
         * rendered, printed (and their slots given back) */
        size_t prefilled, rendered, taken;
        bool stop;              /* this thread stops early */
        int r;                  /* the second thread's failure */
        /* this thread's place: block B, its slot when odd, J printed of it */
        size_t b, j;
        struct json_slot *sl;
};

static int slot_append(struct json_slot *sl, const char *s, size_t len)
{
        if (sl->len + len > sl->cap) {
                size_t cap = sl->cap ? sl->cap : 1 << 16;
                char *text;

                while (cap < sl->len + len)
                        cap *= 2;
                text = realloc(sl->text, cap);
                if (!text)
                        return -1;
                sl->text = text;
                sl->cap = cap;
        }
        memcpy(sl->text + sl->len, s, len);
        sl->len += len;
        return 0;
}

/* The second thread: block B into SL, from the values got here.  Returns:
 * 0 or -1 without memory. */
static int pipe_render(struct json_pipe *p, size_t b, struct json_slot *sl)
{
        size_t len, i = p->start[b];

        sl->len = 0;
        for (size_t j = 0; j < sl->n; j++, i++) {
                const struct hd_value *v = sl->val + sl->val_at[j];

                while (!p->show[i])
                        i++;
                if (json_print(&p->tpl, hd_ctx_get_device(p->cli->ctx, i), v,
                               sl->val_at[j + 1] - sl->val_at[j], &len) < 0)
                        return -1;
                sl->piece[j] = (struct json_piece){ sl->len, len, p->tpl.filter };
                if (slot_append(sl, p->tpl.buf, len) < 0)
                        return -1;
        }
        return 0;
}

static void *pipe_thread(void *data)
{
        struct json_pipe *p = data;

        for (size_t k = 0; 2 * k + 1 < p->n_blocks; k++) {
                bool stop;
                int r;

                /* a free slot, and the block prefilled */
                pthread_mutex_lock(&p->lock);
                while (!p->stop && (p->rendered - p->taken >= JSON_SLOTS || p->prefilled <= k))
                        pthread_cond_wait(&p->cond, &p->lock);
                stop = p->stop;
                pthread_mutex_unlock(&p->lock);
                if (stop)
                        break;
                r = pipe_render(p, 2 * k + 1, &p->slot[k % JSON_SLOTS]);
                pthread_mutex_lock(&p->lock);
                if (r < 0)
                        p->r = r;
                else
                        p->rendered++;
                pthread_cond_broadcast(&p->cond);
                pthread_mutex_unlock(&p->lock);
                if (r < 0)
                        break;
        }
        return NULL;
}

/* The values of odd block B into its slot SL.  Returns: 0 or -1 without
 * memory. */
static int pipe_values(struct json_pipe *p, size_t b, struct json_slot *sl)
{
        size_t nv = 0, j = 0;

        for (size_t i = p->start[b]; i < p->start[b + 1]; i++) {
                if (!p->show[i])
                        continue;
                if (nv + TPL_MAX > sl->val_cap) {
                        size_t cap = sl->val_cap ? sl->val_cap * 2 : 16 * TPL_MAX;
                        struct hd_value *val = realloc(sl->val, cap * sizeof(*val));

                        if (!val)
                                return -1;
                        sl->val = val;
                        sl->val_cap = cap;
                }
                sl->val_at[j++] = nv;
                nv += json_values(hd_ctx_get_device(p->cli->ctx, i), sl->val + nv);
        }
        sl->val_at[j] = nv;
        sl->n = j;
        return 0;
}

/* Get the values of the odd blocks up to block B, and tell the second
 * thread.  A slot's values are overwritten only after the second thread has
 * rendered the block that had the slot before: this thread enters even
 * block 2M after printing odd block 2M - 1 (so the thread has rendered the
 * odd blocks up to there) and gets the values up to block 2M + 3, two odd
 * blocks on, in slots not used since block 2M - 5.  Returns: 0 or -1
 * without memory. */
static int pipe_prefill(struct json_pipe *p, size_t b)
{
        size_t k = p->prefilled;

        for (; 2 * k + 1 <= b && 2 * k + 1 < p->n_blocks; k++)
                if (pipe_values(p, 2 * k + 1, &p->slot[k % JSON_SLOTS]) < 0)
                        return -1;
        if (k == p->prefilled)
                return 0;
        pthread_mutex_lock(&p->lock);
        p->prefilled = k;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
        return 0;
}

/* Odd block B rendered (waited for).  Returns: its slot, or NULL when the
 * second thread failed. */
static struct json_slot *pipe_take(struct json_pipe *p, size_t b)
{
        bool ok;

        pthread_mutex_lock(&p->lock);
        while (p->rendered <= b / 2 && p->r == 0)
                pthread_cond_wait(&p->cond, &p->lock);
        ok = p->rendered > b / 2;
        pthread_mutex_unlock(&p->lock);
        return ok ? &p->slot[(b / 2) % JSON_SLOTS] : NULL;
}

/* Odd block's slot printed: the second thread may reuse it */
static void pipe_give_back(struct json_pipe *p)
{
        pthread_mutex_lock(&p->lock);
        p->taken++;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
}

/* A second thread only helps with a second CPU to run it */
static bool several_cpus(void)
{
        cpu_set_t set;

        return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1;
}

/* The blocks of the N_SHOWN shown devices.  Returns: 0 or -1. */
static int pipe_blocks(struct json_pipe *p, size_t n, size_t n_shown)
{
        size_t b = 0, k = 0, max = 2 * (n_shown / (JSON_BLOCK_MINE + JSON_BLOCK_THEIRS) + 1) + 1;

        p->start = calloc(max + 1, sizeof(*p->start));
        if (!p->start)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (!p->show[i])
                        continue;
                if (k == 0)
                        p->start[b++] = i;
                if (++k == (b % 2 ? JSON_BLOCK_MINE : JSON_BLOCK_THEIRS))
                        k = 0;
        }
        p->n_blocks = b;
        p->start[b] = n;
        return 0;
}

/* Start the second thread on P (zeroed) when it pays.  Returns: whether it runs. */
static bool pipe_start(struct cli *cli, const bool *show, size_t n, struct json_pipe *p)
{
        size_t n_shown = 0;

        for (size_t i = 0; i < n; i++)
                n_shown += show[i];
        if (n_shown < JSON_THREAD_MIN || !several_cpus())
                return false;
        p->cli = cli;
        p->show = show;
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->cond, NULL);
        /* the thread's first two blocks */
        if (pipe_blocks(p, n, n_shown) == 0 && pipe_prefill(p, 3) == 0 &&
            pthread_create(&p->t, NULL, pipe_thread, p) == 0)
                return true;
        pthread_cond_destroy(&p->cond);
        pthread_mutex_destroy(&p->lock);
        return false;
}

/* Stop and join the second thread (if it ran), free P */
static void pipe_end(struct json_pipe *p, bool running)
{
        if (running) {
                pthread_mutex_lock(&p->lock);
                p->stop = true;
                pthread_cond_broadcast(&p->cond);
                pthread_mutex_unlock(&p->lock);
                pthread_join(p->t, NULL);
                pthread_cond_destroy(&p->cond);
                pthread_mutex_destroy(&p->lock);
        }
        tpl_free(&p->tpl);
        for (size_t k = 0; k < JSON_SLOTS; k++) {
                free(p->slot[k].text);
                free(p->slot[k].val);
        }
        free(p->start);
}

void out_put_json(FILE *f, const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;

        /* write clean runs whole; only DEL and C2 80..9f need rewriting */
        for (; p < end; p++) {
                if (*p != 0x7f && *p != 0xc2)
                        continue;
                if (*p == 0xc2 && !(p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9f))
                        continue;
                fwrite(run, 1, (size_t)(p - run), f);
                if (*p == 0x7f) {
                        fputs("\\u007f", f);
                } else {
                        fprintf(f, "\\u%04x", p[1]);
                        p++;
                }
                run = p + 1;
        }
        fwrite(run, 1, (size_t)(end - run), f);
}

cJSON *out_json_root(void)
{
        cJSON *root = cJSON_CreateObject();

        if (root)
                cJSON_AddNumberToObject(root, "version", OUT_JSON_VERSION);
        return root;
}

int out_print_json(cJSON *root)
{
        return out_print_json_fmt(root, true);
}

int out_print_json_fmt(cJSON *root, bool formatted)
{
        char *s = root ? (formatted ? cJSON_Print(root) : cJSON_PrintUnformatted(root)) : NULL;

        cJSON_Delete(root);
        if (!s) {
                cli_err("out of memory");
                return -1;
        }
        out_put_json(stdout, s, strlen(s));
        putchar('\n');
        free(s);
        return 0;
}

int out_take_opt(struct out_opts *o, int c, const char *arg)
{
        switch (c) {
        case 'J': o->fmt = OUT_JSON; return 1;
        case 'o': o->colspec = arg; o->columns_given = true; o->output_all = false; return 1;
        case 'O': o->output_all = true; o->columns_given = true; return 1;
        case 'n': o->noheadings = true; return 1;
        case 'r': o->fmt = OUT_RAW; return 1;
        case 'P': o->fmt = OUT_PAIRS; return 1;
        case 'i': o->ascii = true; return 1;
        case 'T': o->tree = true; return 1;
        case OPT_DOT: o->fmt = OUT_DOT; return 1;
        case OPT_LIST_COLUMNS: out_list_columns(o->columns); return 2;
        default: return 0;
        }
}

bool out_locale_utf8(void)
{
        const char *cs = nl_langinfo(CODESET);
        return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

int out_opts_finish(struct out_opts *o)
{
        if (!o->ascii && !out_locale_utf8())
                o->ascii = true;
        return 0;
}

int out_dev_selected(const struct out_opts *o, struct hd_dev *d)
{
        int r;

        if (o->type >= 0 && (int)hd_dev_get_type(d) != o->type)
                return 0;
        if (o->id_spec) {
                r = hd_dev_match_id(d, o->id_spec);
                if (r < 0) {
                        cli_err("-d '%s': want [VENDOR]:[DEVICE][:CLASS] in hex (CLASS of 2, 4 or 6 digits)",
                                o->id_spec);
                        return -1;
                }
                if (!r)
                        return 0;
        }
        if (o->class_name && hd_dev_match_class(d, o->class_name) <= 0)
                return 0;
        return 1;
}

/* Which devices to show: by type, ID and class, and with --tree their ancestors too. */
static bool *select_devices(struct cli *cli, const struct out_opts *o, size_t n)
{
        bool *show = cli_calloc(n, sizeof(*show));
        bool all = o->type < 0 && !o->id_spec && !o->class_name;

        if (!show)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                int r = out_dev_selected(o, hd_ctx_get_device(cli->ctx, i));
                if (r < 0) {
                        free(show);
                        return NULL;
                }
                show[i] = r;
        }
        if ((o->tree || o->fmt == OUT_DOT) && !all)
                for (size_t i = n; i-- > 0;) {
                        struct hd_dev *p = hd_dev_get_parent(hd_ctx_get_device(cli->ctx, i));
                        if (show[i] && p)
                                show[hd_dev_get_index(p)] = true;
                }
        return show;
}

/* Next shown device after I in tree order that is not below I. */
static void json_indent(size_t depth)
{
        for (size_t i = 0; i < depth; i++)
                fputs("  ", stdout);
}

/* Device I (shown) of list -J, without its closing brace: rendered here,
 * or with TWO from the second thread's blocks.  Returns: 0 or -1. */
static int json_put_dev(struct json_tpl *tpl, struct json_pipe *p, bool two, size_t i)
{
        struct json_piece *pc;

        if (!two)
                return json_put_open(tpl, hd_ctx_get_device(p->cli->ctx, i));
        if (i >= p->start[p->b + 1]) {          /* the next block */
                if (p->b % 2)
                        pipe_give_back(p);
                while (i >= p->start[p->b + 1])
                        p->b++;
                p->j = 0;
                if (p->b % 2 == 0) {
                        if (pipe_prefill(p, p->b + 3) < 0)      /* the thread's next but one */
                                return -1;
                } else if (!(p->sl = pipe_take(p, p->b))) {
                        return -1;
                }
        }
        if (p->b % 2 == 0)
                return json_put_open(tpl, hd_ctx_get_device(p->cli->ctx, i));
        pc = &p->sl->piece[p->j++];
        json_write(p->sl->text + pc->off, pc->len, pc->filter);
        return 0;
}

static int json_out(struct cli *cli, const struct out_opts *o, const bool *show, size_t n)
{
        /* open[k]: the device at depth k whose object is still open (tree mode) */
        size_t *depth = calloc(n ? n : 1, sizeof(*depth));
        struct hd_dev **open = calloc(n + 1, sizeof(*open));
        struct json_tpl tpl = { 0 };
        struct json_pipe pipe = { .cli = cli };
        size_t nopen = 0;
        bool first = true, two;
        int r = 0;

        if (!depth || !open) {
                free(depth);
                free(open);
                cli_err("out of memory");
                return -1;
        }
        two = pipe_start(cli, show, n, &pipe);
        printf("{\n  \"version\": %d,\n  \"devices\": [", OUT_JSON_VERSION);
        for (size_t i = 0; i < n && r == 0; i++) {
                struct hd_dev *d = hd_ctx_get_device(cli->ctx, i);
                if (!show[i])
                        continue;
                if (o->tree) {
                        struct hd_dev *p = hd_dev_get_parent(d);
                        /* close the open objects that are not ancestors of d */
                        while (nopen > 0 && open[nopen - 1] != p) {
                                bool had = open[nopen - 1] != NULL &&
                                           depth[hd_dev_get_index(open[nopen - 1])] != 0;
                                nopen--;
                                fputs(had ? "]}" : "}", stdout);
                        }
                        if (nopen > 0) {
                                size_t pi = hd_dev_get_index(p);
                                fputs(depth[pi] ? ",\n" : ", \"children\": [\n", stdout);
                                depth[pi]++;
                        } else {
                                fputs(first ? "\n" : ",\n", stdout);
                        }
                        json_indent(nopen + 2);
                        r = json_put_dev(&tpl, &pipe, two, i);
                        open[nopen++] = d;
                } else {
                        fputs(first ? "\n    " : ",\n    ", stdout);
                        r = json_put_dev(&tpl, &pipe, two, i);
                        putchar('}');
                }
                first = false;
        }
        pipe_end(&pipe, two);
        while (o->tree && nopen > 0) {
                struct hd_dev *x = open[--nopen];
                fputs(depth[hd_dev_get_index(x)] ? "]}" : "}", stdout);
        }
        fputs(first ? "]\n}\n" : "\n  ]\n}\n", stdout);
        tpl_free(&tpl);
        free(depth);
        free(open);
        if (r < 0)
                cli_err("out of memory");
        return r;
}

/* Tree prefix of device I: "├─" / "└─" and "│ " for open ancestors
 * ("|-", "`-", "| " in ASCII). */
static char *tree_prefix(struct hd_dev *d, const bool *show, bool ascii)
{
        struct hd_dev *chain[256];
        size_t depth = 0, len = 0;
        char *buf;

        for (struct hd_dev *p = d; hd_dev_get_parent(p) && depth < 256; p = hd_dev_get_parent(p))
                chain[depth++] = p;
        buf = malloc(depth * 8 + 1);
        if (!buf)
                return NULL;
        buf[0] = '\0';
        for (size_t k = depth; k-- > 0;) {
                struct hd_dev *x = chain[k], *s = hd_dev_get_next_sibling(x);
                while (s && show && !show[hd_dev_get_index(s)])
                        s = hd_dev_get_next_sibling(s);
                if (k == 0)
                        len += (size_t)sprintf(buf + len, "%s",
                                               s ? (ascii ? "|-" : "├─") : (ascii ? "`-" : "└─"));
                else
                        len += (size_t)sprintf(buf + len, "%s", s ? (ascii ? "| " : "│ ") : "  ");
        }
        return buf;
}

int out_select_columns(const struct out_opts *o, const struct column **sel, size_t *nsel)
{
        char *spec, *save = NULL;
        size_t n = 0;

        if (o->output_all) {
                for (const struct column *c = o->columns; c->name && n < 32; c++)
                        sel[n++] = c;
                *nsel = n;
                return 0;
        }
        spec = strdup(o->colspec);
        if (!spec) {
                cli_err("out of memory");
                return -1;
        }
        for (char *t = strtok_r(spec, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                const struct column *c;
                for (c = o->columns; c->name; c++)
                        if (strcasecmp(c->name, t) == 0)
                                break;
                if (!c->name) {
                        cli_err("unknown column '%s' (see --list-columns)", t);
                        free(spec);
                        return -1;
                }
                if (n < 32)
                        sel[n++] = c;
        }
        free(spec);
        if (!n) {
                cli_err("no columns selected");
                return -1;
        }
        *nsel = n;
        return 0;
}

/* Display width of valid UTF-8 text: one column per code point. */
static size_t text_width(const char *s)
{
        size_t w = 0;
        for (; *s; s++)
                if (((unsigned char)*s & 0xc0) != 0x80)
                        w++;
        return w;
}

/* lsblk's -r and -P: also space (raw) or '"' (pairs) as \xHH, after the
 * terminal escaping that made controls and '\' safe already. */
static void put_cell_escaped(const char *s, char also)
{
        for (; *s; s++) {
                if (*s == also || (also == ' ' && (*s == '\t')))
                        printf("\\x%02x", (unsigned char)*s);
                else
                        putchar(*s);
        }
}

static void put_pair_key(const char *name)
{
        for (; *name; name++)
                putchar(*name == '-' || *name == '%' ? '_' : *name);
}

cJSON *out_json_columns(const struct column *const *sel, size_t nsel, struct hd_dev *d,
                        const void *data)
{
        cJSON *o = cJSON_CreateObject();

        for (size_t c = 0; o && c < nsel; c++) {
                char key[32], *v = sel[c]->get(d, data);
                size_t k;
                for (k = 0; sel[c]->name[k] && k + 1 < sizeof(key); k++)
                        key[k] = (char)tolower((unsigned char)sel[c]->name[k]);
                key[k] = '\0';
                out_json_add_string(o, key, v && *v ? v : NULL);
                free(v);
        }
        return o;
}

/* -J with -o/-O: the columns as keys, nested under "children" with --tree */
static int json_columns_out(const struct out_opts *o, const struct column **sel, size_t nsel,
                            struct hd_dev *const *rows, size_t n)
{
        cJSON *root = out_json_root(), *arr, **objs = calloc(n + 1, sizeof(*objs));

        if (!root || !objs) {
                cJSON_Delete(root);
                free(objs);
                cli_err("out of memory");
                return -1;
        }
        arr = cJSON_AddArrayToObject(root, "devices");
        for (size_t i = 0; i < n; i++) {
                cJSON *x = out_json_columns(sel, nsel, rows[i], o->data), *into = arr;
                objs[i] = x;
                /* the nearest shown ancestor comes earlier in tree order */
                for (size_t k = i; o->tree && k-- > 0;)
                        if (rows[k] == hd_dev_get_parent(rows[i])) {
                                into = cJSON_GetObjectItem(objs[k], "children");
                                if (!into)
                                        into = cJSON_AddArrayToObject(objs[k], "children");
                                break;
                        }
                cJSON_AddItemToArray(into, x);
        }
        free(objs);
        return out_print_json(root);
}

/* The cells of ROWS (N) for the columns SEL (NSEL): the header row, then
 * one row each, escaped, the tree's lines before the first; widths in WIDTH.
 * Returns: malloc'd (N + 1) * NSEL cells, NULL after a message. */
static char **table_cells(const struct out_opts *o, const struct column *const *sel, size_t nsel,
                          struct hd_dev *const *rows, size_t n, const bool *show, size_t *width)
{
        char **cells = cli_calloc((n + 1) * nsel, sizeof(*cells));

        for (size_t c = 0; cells && c < nsel; c++) {
                cells[c] = strdup(sel[c]->name);
                width[c] = strlen(sel[c]->name);
        }
        for (size_t i = 0; cells && i < n; i++) {
                for (size_t c = 0; c < nsel; c++) {
                        char *raw = sel[c]->get(rows[i], o->data);
                        char *cell = hd_escape(raw ? raw : "", HD_ESCAPE_TEXT);

                        free(raw);
                        if (c == 0 && o->tree && o->fmt == OUT_TABLE && cell) {
                                char *pre = tree_prefix(rows[i], show, o->ascii), *full = NULL;
                                if (pre && asprintf(&full, "%s%s", pre, cell) >= 0) {
                                        free(cell);
                                        cell = full;
                                }
                                free(pre);
                        }
                        cells[(i + 1) * nsel + c] = cell;
                        if (cell && text_width(cell) > width[c])
                                width[c] = text_width(cell);
                }
        }
        return cells;
}

/* One row of cells as a table line, raw or pairs */
static void put_row(const struct out_opts *o, const struct column *const *sel, size_t nsel,
                    char *const *row, const size_t *width)
{
        for (size_t c = 0; c < nsel; c++) {
                const char *s = row[c] ? row[c] : "";
                if (o->fmt == OUT_PAIRS) {
                        if (c)
                                putchar(' ');
                        put_pair_key(sel[c]->name);
                        fputs("=\"", stdout);
                        put_cell_escaped(s, '"');
                        putchar('"');
                } else if (o->fmt == OUT_RAW) {
                        if (c)
                                putchar(' ');
                        put_cell_escaped(s, ' ');
                } else if (c + 1 == nsel) {
                        fputs(s, stdout);
                } else {
                        printf("%s%*s ", s, (int)(width[c] - text_width(s)), "");
                }
        }
        putchar('\n');
}

int out_rows(struct cli *cli, const struct out_opts *o, struct hd_dev *const *rows, size_t n,
             const bool *show)
{
        const struct column *sel[32];
        size_t nsel = 0, width[32] = { 0 };
        char **cells;

        if (out_select_columns(o, sel, &nsel) < 0)
                return -1;
        if (o->fmt == OUT_JSON)
                return json_columns_out(o, sel, nsel, rows, n);
        cells = table_cells(o, sel, nsel, rows, n, show, width);
        if (!cells)
                return -1;
        for (size_t r = o->noheadings || o->fmt == OUT_PAIRS ? 1 : 0; r <= n; r++)
                put_row(o, sel, nsel, cells + r * nsel, width);
        for (size_t k = 0; k < (n + 1) * nsel; k++)
                free(cells[k]);
        free(cells);
        return 0;
}

int out_devices(struct cli *cli, const struct out_opts *o)
{
        size_t n = hd_ctx_get_n_devices(cli->ctx), m = 0;
        bool *show = select_devices(cli, o, n);
        struct hd_dev **rows;
        int r;

        if (!show)
                return -1;
        if (o->eligible && out_eligible_filter(cli, show, n) < 0) {
                free(show);
                return -1;
        }
        if (o->fmt == OUT_DOT) {
                const char **fill = out_eligibility_fill(cli, show, n);
                r = fill ? out_dot(cli, show, fill, NULL, OUT_DOT_LEGEND) : -1;
                free(fill);
                free(show);
                return r;
        }
        if (o->fmt == OUT_JSON && !o->columns_given) {
                r = json_out(cli, o, show, n);
                free(show);
                return r;
        }
        rows = cli_calloc(n, sizeof(*rows));
        if (!rows) {
                free(show);
                return -1;
        }
        for (size_t i = 0; i < n; i++)
                if (show[i])
                        rows[m++] = hd_ctx_get_device(cli->ctx, i);
        r = out_rows(cli, o, rows, m, show);
        free(rows);
        free(show);
        return r;
}
