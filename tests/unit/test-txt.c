/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unit tests for app/core/iot-txt.[ch]: DNS-SD TXT record parsing.
 */
#include "config.h"

#include "tests/unit/test-util.h"

#include "app/core/iot-sanitize.h"
#include "app/core/iot-txt.h"

#include <string.h>

static gboolean
add (IotTxt *txt, const char *item)
{
  return iot_txt_add_item (txt, (const guint8 *) item, strlen (item));
}

/* Asserts that @key has exactly the raw value bytes @value (of @len). */
static void
assert_value (const IotTxt *txt, const char *key, const void *value, gsize len)
{
  const IotTxtEntry *e = iot_txt_lookup (txt, key);
  g_assert_nonnull (e);
  g_assert_nonnull (e->value);
  gsize got_len = 0;
  const void *got = g_bytes_get_data (e->value, &got_len);
  g_assert_cmpmem (got, got_len, value, len);
}

static void
test_key_value (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, 0);

  g_assert_true (add (txt, "id=shellyplus1-a8032abcdef0"));
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, 1);
  const IotTxtEntry *e = iot_txt_get_entry (txt, 0);
  g_assert_cmpstr (e->key, ==, "id");
  assert_value (txt, "id", "shellyplus1-a8032abcdef0", strlen ("shellyplus1-a8032abcdef0"));

  g_autofree char *v = iot_txt_dup_value (txt, "id");
  g_assert_cmpstr (v, ==, "shellyplus1-a8032abcdef0");

  /* Lookup is case-insensitive; the key keeps its spelling. */
  g_assert_true (add (txt, "Model=SNSW-001X16EU"));
  g_assert_true (iot_txt_lookup (txt, "model") == iot_txt_get_entry (txt, 1));
  g_assert_true (iot_txt_lookup (txt, "MODEL") == iot_txt_get_entry (txt, 1));
  g_assert_cmpstr (iot_txt_get_entry (txt, 1)->key, ==, "Model");
  g_assert_null (iot_txt_lookup (txt, "mode"));
  g_assert_null (iot_txt_lookup (txt, NULL));
  g_assert_null (iot_txt_dup_value (txt, "absent"));
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 0);

  /* Order is kept. */
  g_assert_cmpstr (iot_txt_get_entry (txt, 0)->key, ==, "id");
  g_assert_cmpstr (iot_txt_get_entry (txt, 1)->key, ==, "Model");
}

static void
test_boolean_and_empty (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  g_assert_true (add (txt, "secure"));
  g_assert_true (add (txt, "path="));

  const IotTxtEntry *b = iot_txt_lookup (txt, "secure");
  g_assert_nonnull (b);
  g_assert_cmpstr (b->key, ==, "secure");
  g_assert_null (b->value);

  const IotTxtEntry *e = iot_txt_lookup (txt, "path");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->key, ==, "path");
  g_assert_nonnull (e->value);
  g_assert_cmpuint (g_bytes_get_size (e->value), ==, 0);

  g_autofree char *bv = iot_txt_dup_value (txt, "secure");
  g_assert_cmpstr (bv, ==, "");
  g_autofree char *ev = iot_txt_dup_value (txt, "path");
  g_assert_cmpstr (ev, ==, "");
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, 2);
}

static void
test_value_with_equals (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  g_assert_true (add (txt, "url=http://x/?a=b&c==d="));
  g_assert_cmpstr (iot_txt_get_entry (txt, 0)->key, ==, "url");
  assert_value (txt, "url", "http://x/?a=b&c==d=", strlen ("http://x/?a=b&c==d="));
  g_assert_true (add (txt, "k=="));
  assert_value (txt, "k", "=", 1);
}

static void
test_binary_value (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  static const guint8 item[] = { 'b', 'i', 'n', '=', 0x00, 0xff, 0x1b, '[', '2', 'J', 0x00, 0x80 };
  g_assert_true (iot_txt_add_item (txt, item, sizeof item));
  /* Raw bytes are kept as they are, embedded NULs included. */
  assert_value (txt, "bin", item + 4, sizeof item - 4);

  /* Displayed only sanitized: the whole value, valid and without controls. */
  g_autofree char *v = iot_txt_dup_value (txt, "bin");
  g_assert_true (g_utf8_validate (v, -1, NULL));
  g_assert_true (iot_sanitize_is_clean (v));
  g_assert_null (strchr (v, 0x1b));
  g_assert_nonnull (strstr (v, "[2J")); /* after the NUL: not cut there */
  for (const char *p = v; *p; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
}

static void
test_dup_value_sanitizes (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  g_assert_true (add (txt, "DN=Kitchen\x1b]0;pwned\x07 \xE2\x80\xAE" "gnp.exe\xff"));
  g_autofree char *v = iot_txt_dup_value (txt, "dn");
  g_assert_nonnull (v);
  g_assert_true (g_utf8_validate (v, -1, NULL));
  g_assert_true (iot_sanitize_is_clean (v));
  g_assert_null (strchr (v, 0x1b));
  g_assert_null (strchr (v, 0x07));
  g_assert_null (strstr (v, "\xE2\x80\xAE"));
  g_assert_true (g_str_has_prefix (v, "Kitchen"));
  g_assert_nonnull (strstr (v, "gnp.exe"));

  /* A long value is bounded by the sanitizer. */
  char item[IOT_TXT_MAX_ITEM];
  memcpy (item, "v=", 2);
  memset (item + 2, 0x1b, sizeof item - 2); /* each ESC becomes 3 bytes */
  g_assert_true (iot_txt_add_item (txt, (const guint8 *) item, sizeof item));
  g_autofree char *lv = iot_txt_dup_value (txt, "v");
  g_assert_cmpuint (strlen (lv), <=, IOT_SANITIZE_MAX_BYTES);
  g_assert_true (iot_sanitize_is_clean (lv));
}

static void
test_invalid_keys (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  static const struct
  {
    const char *item;
    gsize len;
  } bad[] = {
    { "=x", 2 },                  /* empty key */
    { "=", 1 },                   /* empty key, empty value */
    { "ke\x01y=v", 6 },           /* control in key */
    { "ke\ty=v", 6 },             /* tab in key */
    { "key\x7f=v", 6 },           /* DEL in key */
    { "k\xC3\xBC" "r=v", 6 },     /* non-ASCII key (kür) */
    { "\xff=v", 3 },              /* invalid UTF-8 key */
    { "a\0b=v", 5 },              /* NUL in key */
    { "", 0 },                    /* empty item */
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (iot_txt_add_item (txt, (const guint8 *) bad[i].item, bad[i].len));
      g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, i + 1);
    }
  g_assert_false (iot_txt_add_item (txt, NULL, 0));
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, G_N_ELEMENTS (bad) + 1);
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, 0);

  /* Printable ASCII keys, including space and punctuation, are fine. */
  g_assert_true (add (txt, "a key~!=v"));
  g_assert_true (add (txt, "0x20-0x7E=v"));
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, 2);
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, G_N_ELEMENTS (bad) + 1);
  for (guint i = 0; i < iot_txt_get_n_entries (txt); i++)
    {
      const char *k = iot_txt_get_entry (txt, i)->key;
      g_assert_cmpuint (strlen (k), >, 0);
      for (const char *p = k; *p; p++)
        {
          g_assert_cmpint (*p, >=, 0x20);
          g_assert_cmpint (*p, <=, 0x7e);
          g_assert_cmpint (*p, !=, '=');
        }
    }
}

static void
test_duplicates (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  g_assert_true (add (txt, "ver=1.0"));
  g_assert_false (add (txt, "ver=2.0"));
  g_assert_false (add (txt, "VER=3.0"));
  g_assert_false (add (txt, "Ver"));
  g_assert_false (add (txt, "vEr="));
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, 1);
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 4);
  assert_value (txt, "VER", "1.0", 3);
  g_assert_cmpstr (iot_txt_get_entry (txt, 0)->key, ==, "ver");

  /* A boolean first also wins over a later value. */
  g_assert_true (add (txt, "flag"));
  g_assert_false (add (txt, "FLAG=1"));
  g_assert_null (iot_txt_lookup (txt, "flag")->value);
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 5);
}

static void
test_max_entries (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  for (guint i = 0; i < IOT_TXT_MAX_ENTRIES; i++)
    {
      g_autofree char *item = g_strdup_printf ("k%u=%u", i, i);
      g_assert_true (add (txt, item));
    }
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, IOT_TXT_MAX_ENTRIES);
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 0);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *item = g_strdup_printf ("extra%u=%u", i, i);
      g_assert_false (add (txt, item));
    }
  g_assert_cmpuint (iot_txt_get_n_entries (txt), ==, IOT_TXT_MAX_ENTRIES);
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 50);
  g_assert_null (iot_txt_lookup (txt, "extra0"));
  g_assert_nonnull (iot_txt_lookup (txt, "k127"));
}

static void
test_item_size (void)
{
  g_autoptr (IotTxt) txt = iot_txt_new ();
  char item[IOT_TXT_MAX_ITEM + 1];
  memcpy (item, "big=", 4);
  memset (item + 4, 'x', sizeof item - 4);

  /* 256 bytes: more than a DNS character-string can hold. */
  g_assert_false (iot_txt_add_item (txt, (const guint8 *) item, IOT_TXT_MAX_ITEM + 1));
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 1);
  g_assert_null (iot_txt_lookup (txt, "big"));

  /* 255 bytes is the largest item and is kept whole. */
  g_assert_true (iot_txt_add_item (txt, (const guint8 *) item, IOT_TXT_MAX_ITEM));
  const IotTxtEntry *e = iot_txt_lookup (txt, "big");
  g_assert_nonnull (e);
  g_assert_cmpuint (g_bytes_get_size (e->value), ==, IOT_TXT_MAX_ITEM - 4);
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 1);

  /* A boolean key of 256 bytes is dropped too. */
  char key[IOT_TXT_MAX_ITEM + 1];
  memset (key, 'k', sizeof key);
  g_assert_false (iot_txt_add_item (txt, (const guint8 *) key, sizeof key));
  g_assert_cmpuint (iot_txt_get_n_dropped (txt), ==, 2);
}

static void
test_copy_equal (void)
{
  g_autoptr (IotTxt) a = iot_txt_new ();
  add (a, "id=abc");
  add (a, "secure");
  add (a, "empty=");
  add (a, "=dropped");
  static const guint8 bin[] = { 'b', '=', 0, 1, 2, 0xff };
  iot_txt_add_item (a, bin, sizeof bin);

  g_autoptr (IotTxt) c = iot_txt_copy (a);
  g_assert_true (c != a);
  g_assert_cmpuint (iot_txt_get_n_entries (c), ==, 4);
  g_assert_cmpuint (iot_txt_get_n_dropped (c), ==, 1);
  g_assert_true (iot_txt_equal (a, c));
  g_assert_true (iot_txt_equal (c, a));
  g_assert_true (iot_txt_equal (a, a));
  for (guint i = 0; i < 4; i++)
    {
      const IotTxtEntry *ea = iot_txt_get_entry (a, i);
      const IotTxtEntry *ec = iot_txt_get_entry (c, i);
      g_assert_true (ea != ec);
      g_assert_cmpstr (ea->key, ==, ec->key);
      g_assert_true ((ea->value == NULL) == (ec->value == NULL));
      if (ea->value)
        g_assert_true (g_bytes_equal (ea->value, ec->value));
    }
  /* The copy is independent of the original. */
  add (a, "later=1");
  g_assert_null (iot_txt_lookup (c, "later"));
  g_assert_false (iot_txt_equal (a, c));
  g_clear_pointer (&a, iot_txt_free);
  g_assert_cmpuint (iot_txt_get_n_entries (c), ==, 4);
  assert_value (c, "b", bin + 2, sizeof bin - 2);

  /* A NULL TXT copies to an empty one. */
  g_autoptr (IotTxt) n = iot_txt_copy (NULL);
  g_assert_nonnull (n);
  g_assert_cmpuint (iot_txt_get_n_entries (n), ==, 0);
  g_assert_cmpuint (iot_txt_get_n_dropped (NULL), ==, 0);
  g_assert_cmpuint (iot_txt_get_n_entries (NULL), ==, 0);
}

static IotTxt *
txt_of (const char *const *items)
{
  IotTxt *t = iot_txt_new ();
  for (guint i = 0; items[i]; i++)
    add (t, items[i]);
  return t;
}

static void
test_equal (void)
{
  static const char *const base[] = { "a=1", "b", "c=", NULL };
  static const char *const other_value[] = { "a=2", "b", "c=", NULL };
  static const char *const bool_vs_empty[] = { "a=1", "b=", "c=", NULL };
  static const char *const empty_vs_bool[] = { "a=1", "b", "c", NULL };
  static const char *const fewer[] = { "a=1", "b", NULL };
  static const char *const other_key[] = { "a=1", "b", "d=", NULL };
  static const char *const longer_value[] = { "a=10", "b", "c=", NULL };
  static const char *const same_plus_dropped[] = { "a=1", "b", "c=", "A=9", "=x", NULL };

  g_autoptr (IotTxt) t = txt_of (base);
  const char *const *const differ[] = { other_value, bool_vs_empty, empty_vs_bool,
                                        fewer,       other_key,     longer_value };
  for (guint i = 0; i < G_N_ELEMENTS (differ); i++)
    {
      g_autoptr (IotTxt) u = txt_of (differ[i]);
      g_assert_false (iot_txt_equal (t, u));
      g_assert_false (iot_txt_equal (u, t));
    }
  /* Dropped items do not make a difference to what the record says. */
  g_autoptr (IotTxt) same = txt_of (same_plus_dropped);
  g_assert_true (iot_txt_equal (t, same));

  g_autoptr (IotTxt) e1 = iot_txt_new ();
  g_autoptr (IotTxt) e2 = iot_txt_new ();
  g_assert_true (iot_txt_equal (e1, e2));
  g_assert_false (iot_txt_equal (e1, t));
}

int
main (int argc, char **argv)
{
  iot_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/txt/key-value", test_key_value);
  g_test_add_func ("/txt/boolean-and-empty", test_boolean_and_empty);
  g_test_add_func ("/txt/value-with-equals", test_value_with_equals);
  g_test_add_func ("/txt/binary-value", test_binary_value);
  g_test_add_func ("/txt/dup-value-sanitizes", test_dup_value_sanitizes);
  g_test_add_func ("/txt/invalid-keys", test_invalid_keys);
  g_test_add_func ("/txt/duplicates", test_duplicates);
  g_test_add_func ("/txt/max-entries", test_max_entries);
  g_test_add_func ("/txt/item-size", test_item_size);
  g_test_add_func ("/txt/copy", test_copy_equal);
  g_test_add_func ("/txt/equal", test_equal);
  int ret = g_test_run ();
  g_free (argv);
  return ret;
}
