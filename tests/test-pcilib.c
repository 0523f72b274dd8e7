/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libpci handle policy (src/pcilib.c): libpci's error hook never
 * returns into libpci and never exits; the guard gets the message. */
#include "testlib.h"

#include "hostdev-internal.h"
#include "pcilib.h"

/* A pci.ids that libpci refuses to parse: a device line before any vendor. */
static char *bad_ids(void)
{
        char *file = strdup("/tmp/hostdev-test-ids-XXXXXX");
        int fd;

        assert_non_null(file);
        fd = mkstemp(file);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "\tbeef  Orphan device\n", 21), 21);
        close(fd);
        return file;
}

/* A bad name database makes libpci call its error hook: the guard gets
 * control back with the message, the process goes on. */
static void test_error_hook_returns_to_guard(void **state)
{
        char *file = bad_ids(), buf[128];
        struct pci_access *volatile pacc = NULL;
        struct hd__pci_guard g;
        volatile int failed = 0;

        (void)state;
        hd__pci_guard_push(&g);
        if (setjmp(g.env) == 0) {
                pacc = hd__pci_alloc();
                pci_set_name_list_path(pacc, file, 0);
                pci_lookup_name(pacc, buf, sizeof(buf), PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS
                                | PCI_LOOKUP_NO_HWDB, 0x8086);
        } else {
                failed = 1;
        }
        hd__pci_guard_pop(&g);
        assert_int_equal(failed, 1);
        assert_non_null(strstr(hd__pci_guard_msg(), "line 1"));
        assert_null(strchr(hd__pci_guard_msg(), '\n'));
        hd__pci_free(pacc);
        unlink(file);
        free(file);
}

/* Guards nest: a failure inside an inner guard returns to it, and the
 * outer one still works afterwards. */
static void test_guards_nest(void **state)
{
        char *file = bad_ids(), buf[128];
        struct hd__pci_guard outer, inner;
        struct pci_access *volatile pacc = NULL;
        volatile int where = 0;

        (void)state;
        hd__pci_guard_push(&outer);
        if (setjmp(outer.env) == 0) {
                pacc = hd__pci_alloc();
                pci_set_name_list_path(pacc, file, 0);
                hd__pci_guard_push(&inner);
                if (setjmp(inner.env) == 0)
                        pci_lookup_name(pacc, buf, sizeof(buf),
                                        PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_HWDB, 0x8086);
                else
                        where = 1;
                hd__pci_guard_pop(&inner);
                pacc->error("second: %d", 2);
        } else {
                where = where == 1 ? 2 : -1;
        }
        hd__pci_guard_pop(&outer);
        assert_int_equal(where, 2);
        assert_string_equal(hd__pci_guard_msg(), "second: 2");
        hd__pci_free(pacc);
        unlink(file);
        free(file);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_error_hook_returns_to_guard),
                cmocka_unit_test(test_guards_nest),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
