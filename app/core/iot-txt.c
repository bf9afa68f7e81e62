/* SPDX-License-Identifier: GPL-3.0-or-later
 * TXT record parsing. Keys must be printable US-ASCII without '=' (RFC 6763
 * §6.4); items with an empty or invalid key are dropped, as are duplicate keys
 * after the first and anything beyond IOT_TXT_MAX_ENTRIES. Values stay raw
 * bytes: they are only sanitized when displayed or exported.
 */
#include "config.h"

#include "iot-txt.h"

#include "iot-sanitize.h"

#include <string.h>

struct _IotTxt
{
  GPtrArray *entries; /* IotTxtEntry* */
  guint dropped;      /* items refused: invalid, duplicate or over the bound */
};

static void
entry_free (gpointer p)
{
  IotTxtEntry *e = p;
  g_free (e->key);
  g_clear_pointer (&e->value, g_bytes_unref);
  g_free (e);
}

IotTxt *
iot_txt_new (void)
{
  IotTxt *txt = g_new0 (IotTxt, 1);
  txt->entries = g_ptr_array_new_with_free_func (entry_free);
  return txt;
}

void
iot_txt_free (IotTxt *txt)
{
  if (txt == NULL)
    return;
  g_ptr_array_unref (txt->entries);
  g_free (txt);
}

IotTxt *
iot_txt_copy (const IotTxt *txt)
{
  IotTxt *copy = iot_txt_new ();
  if (txt == NULL)
    return copy;
  for (guint i = 0; i < txt->entries->len; i++)
    {
      const IotTxtEntry *e = txt->entries->pdata[i];
      IotTxtEntry *c = g_new0 (IotTxtEntry, 1);
      c->key = g_strdup (e->key);
      c->value = e->value ? g_bytes_ref (e->value) : NULL;
      g_ptr_array_add (copy->entries, c);
    }
  copy->dropped = txt->dropped;
  return copy;
}

static gboolean
key_is_valid (const guint8 *key, gsize len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (key[i] < 0x20 || key[i] > 0x7E || key[i] == '=')
      return FALSE;
  return TRUE;
}

/**
 * iot_txt_add_item:
 * @data: one TXT string as received ("key=value", "key" or "key=")
 *
 * Returns: TRUE if the item was kept.
 */
gboolean
iot_txt_add_item (IotTxt *txt, const guint8 *data, gsize len)
{
  g_return_val_if_fail (txt != NULL, FALSE);

  const guint8 *eq = data && len ? memchr (data, '=', len) : NULL;
  gsize key_len = eq ? (gsize) (eq - data) : len;
  if (data == NULL || len == 0 || len > IOT_TXT_MAX_ITEM ||
      txt->entries->len >= IOT_TXT_MAX_ENTRIES || !key_is_valid (data, key_len))
    {
      txt->dropped++;
      return FALSE;
    }
  char *key = g_strndup ((const char *) data, key_len);
  if (iot_txt_lookup (txt, key) != NULL)
    {
      /* RFC 6763 §6.4: only the first occurrence of a key counts. */
      g_free (key);
      txt->dropped++;
      return FALSE;
    }
  IotTxtEntry *e = g_new0 (IotTxtEntry, 1);
  e->key = key;
  if (eq)
    e->value = g_bytes_new (eq + 1, len - key_len - 1);
  g_ptr_array_add (txt->entries, e);
  return TRUE;
}

guint
iot_txt_get_n_entries (const IotTxt *txt)
{
  return txt ? txt->entries->len : 0;
}

const IotTxtEntry *
iot_txt_get_entry (const IotTxt *txt, guint i)
{
  g_return_val_if_fail (txt != NULL && i < txt->entries->len, NULL);
  return txt->entries->pdata[i];
}

const IotTxtEntry *
iot_txt_lookup (const IotTxt *txt, const char *key)
{
  if (txt == NULL || key == NULL)
    return NULL;
  for (guint i = 0; i < txt->entries->len; i++)
    {
      const IotTxtEntry *e = txt->entries->pdata[i];
      if (g_ascii_strcasecmp (e->key, key) == 0)
        return e;
    }
  return NULL;
}

/* Returns: (transfer full) (nullable): the sanitized value of @key, "" for a
 * boolean attribute, NULL when absent. */
char *
iot_txt_dup_value (const IotTxt *txt, const char *key)
{
  const IotTxtEntry *e = iot_txt_lookup (txt, key);
  if (e == NULL)
    return NULL;
  if (e->value == NULL)
    return g_strdup ("");
  gsize len;
  const char *data = g_bytes_get_data (e->value, &len);
  return iot_sanitize_text (data, len, 0);
}

guint
iot_txt_get_n_dropped (const IotTxt *txt)
{
  return txt ? txt->dropped : 0;
}

gboolean
iot_txt_equal (const IotTxt *a, const IotTxt *b)
{
  if (iot_txt_get_n_entries (a) != iot_txt_get_n_entries (b))
    return FALSE;
  for (guint i = 0; i < iot_txt_get_n_entries (a); i++)
    {
      const IotTxtEntry *ea = a->entries->pdata[i];
      const IotTxtEntry *eb = b->entries->pdata[i];
      if (strcmp (ea->key, eb->key) != 0 || (ea->value == NULL) != (eb->value == NULL) ||
          (ea->value && !g_bytes_equal (ea->value, eb->value)))
        return FALSE;
    }
  return TRUE;
}
