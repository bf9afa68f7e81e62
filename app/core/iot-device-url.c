/* SPDX-License-Identifier: GPL-3.0-or-later
 * Admin page addresses. Everything in a TXT record is hostile, and a QR code
 * hands the address to a browser without the person reading it, so the
 * address is built, never copied: the scheme from the service type, the
 * host from the device's own numeric address (phones often cannot resolve
 * .local names), the port from the resolved service, and only the path and
 * query from the TXT record, percent-escaped. An `adminurl` naming another
 * host is ignored, so a record cannot send the phone somewhere else.
 */
#include "config.h"

#include "iot-device-url.h"

#include <gio/gio.h>
#include <string.h>

static gboolean
has_resolved_record (const IotService *s)
{
  for (guint i = 0; i < s->records->len; i++)
    if (((IotRecord *) s->records->pdata[i])->state == IOT_RECORD_RESOLVED)
      return TRUE;
  return FALSE;
}

static const IotService *
find_service (const IotDevice *d, const char *type)
{
  for (guint i = 0; i < d->services->len; i++)
    {
      const IotService *s = d->services->pdata[i];
      if (g_ascii_strcasecmp (s->type, type) == 0 && s->port != 0 && has_resolved_record (s))
        return s;
    }
  return NULL;
}

static gboolean
usable_address (const IotAddress *a, IotFamily family)
{
  GSocketFamily want = family == IOT_FAMILY_IPV4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;
  if (a->family != family)
    return FALSE;
  g_autoptr (GInetAddress) ia = g_inet_address_new_from_string (a->address);
  if (ia == NULL || g_inet_address_get_family (ia) != want)
    return FALSE;
  /* A link-local IPv6 address (all of fe80::/10, not only fe80::/16) needs
   * a zone (the interface) that a phone does not share, and a browser will
   * not take one in a URL. */
  return family == IOT_FAMILY_IPV4 || !g_inet_address_get_is_link_local (ia);
}

/* Returns: (transfer full) (nullable): the host part for a URL: an IPv4
 * address of @s, else any of the device's, else a routable IPv6 one in
 * brackets. */
static char *
url_host (const IotDevice *d, const IotService *s)
{
  for (guint i = 0; s && i < s->records->len; i++)
    {
      const IotRecord *r = s->records->pdata[i];
      if (r->state == IOT_RECORD_RESOLVED && usable_address (&r->address, IOT_FAMILY_IPV4))
        return g_strdup (r->address.address);
    }
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
  for (guint i = 0; i < addrs->len; i++)
    if (usable_address (addrs->pdata[i], IOT_FAMILY_IPV4))
      return g_strdup (((IotAddress *) addrs->pdata[i])->address);
  for (guint i = 0; i < addrs->len; i++)
    if (usable_address (addrs->pdata[i], IOT_FAMILY_IPV6))
      return g_strdup_printf ("[%s]", ((IotAddress *) addrs->pdata[i])->address);
  return NULL;
}

/* RFC 3986 pchar, plus '/' and '?' (path and query): everything else is
 * escaped, so no space, quote, '#', backslash, control or non-ASCII byte
 * reaches the URL as it is. */
static gboolean
is_url_char (guchar c)
{
  return g_ascii_isalnum (c) || strchr ("-._~!$&'()*+,;=:@/?", c) != NULL;
}

static void
append_escaped (GString *url, const guint8 *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (p[i] != '\0' && is_url_char (p[i]))
        g_string_append_c (url, (char) p[i]);
      else if (p[i] == '%' && i + 2 < len && g_ascii_isxdigit (p[i + 1]) &&
               g_ascii_isxdigit (p[i + 2]))
        g_string_append_c (url, '%'); /* already escaped: keep */
      else
        g_string_append_printf (url, "%%%02X", p[i]);
    }
}

/* scheme://host[:port]/path, the port left out where it is the default. */
static char *
build (const char *scheme, const char *host, int port, const guint8 *path, gsize path_len)
{
  GString *url = g_string_new (scheme);
  g_string_append (url, "://");
  g_string_append (url, host);
  if (port > 0 && !(port == 80 && strcmp (scheme, "http") == 0) &&
      !(port == 443 && strcmp (scheme, "https") == 0))
    g_string_append_printf (url, ":%d", port);
  if (path_len == 0 || path[0] != '/')
    g_string_append_c (url, '/');
  append_escaped (url, path, path_len);
  if (url->len > IOT_DEVICE_URL_MAX)
    {
      g_string_free (url, TRUE);
      return NULL;
    }
  return g_string_free (url, FALSE);
}

static char *
normalize_host (const char *host)
{
  char *h = g_ascii_strdown (host, -1);
  gsize n = strlen (h);
  if (n > 0 && h[n - 1] == '.')
    h[n - 1] = '\0';
  return h;
}

/* Is @host (from a URL) this device: its host name or one of its addresses? */
static gboolean
is_device_host (const IotDevice *d, const char *host)
{
  if (g_hostname_is_ip_address (host))
    {
      g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
      for (guint i = 0; i < addrs->len; i++)
        if (g_ascii_strcasecmp (((IotAddress *) addrs->pdata[i])->address, host) == 0)
          return TRUE;
      return FALSE;
    }
  if (d->host == NULL)
    return FALSE;
  g_autofree char *a = normalize_host (host);
  g_autofree char *b = normalize_host (d->host);
  return strcmp (a, b) == 0;
}

/* The printer's own `adminurl` (IPP Everywhere, PWG 5100.14), rebuilt on the
 * device's address; NULL if it is missing, malformed or names another host. */
static char *
ipp_admin_url (const IotDevice *d)
{
  static const char *const types[] = { "_ipps._tcp", "_ipp._tcp" };
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      const IotService *s = find_service (d, types[t]);
      const IotTxtEntry *e = s ? iot_txt_lookup (s->txt, "adminurl") : NULL;
      if (e == NULL || e->value == NULL)
        continue;
      gsize len;
      const char *raw = g_bytes_get_data (e->value, &len);
      gboolean printable = len > 0;
      for (gsize i = 0; i < len && printable; i++)
        printable = raw[i] > 0x20 && raw[i] < 0x7F;
      if (!printable)
        continue;
      g_autofree char *text = g_strndup (raw, len);
      g_autoptr (GUri) uri = g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL);
      if (uri == NULL || g_uri_get_host (uri) == NULL)
        continue;
      const char *scheme = g_uri_get_scheme (uri);
      if ((g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
          !is_device_host (d, g_uri_get_host (uri)))
        continue;
      g_autofree char *host = url_host (d, s);
      if (host == NULL)
        continue;
      g_autofree char *lower = g_ascii_strdown (scheme, -1);
      const char *query = g_uri_get_query (uri);
      g_autofree char *path = g_strconcat (g_uri_get_path (uri), query ? "?" : "", query, NULL);
      int port = g_uri_get_port (uri);
      return build (lower, host, port > 0 ? port : 0, (const guint8 *) path, strlen (path));
    }
  return NULL;
}

/**
 * iot_device_dup_admin_url:
 *
 * Returns: (transfer full) (nullable): the address of @device's settings
 * page, or NULL when it announces none a phone could open.
 */
char *
iot_device_dup_admin_url (const IotDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);
  char *url = ipp_admin_url (device);
  if (url)
    return url;
  /* https first: a settings page is where a password is typed. */
  static const struct
  {
    const char *type, *scheme;
  } web[] = { { "_https._tcp", "https" }, { "_http._tcp", "http" } };
  for (guint i = 0; i < G_N_ELEMENTS (web); i++)
    {
      const IotService *s = find_service (device, web[i].type);
      g_autofree char *host = s ? url_host (device, s) : NULL;
      if (host == NULL)
        continue;
      const IotTxtEntry *e = iot_txt_lookup (s->txt, "path");
      gsize len = 0;
      const guint8 *path = e && e->value ? g_bytes_get_data (e->value, &len) : NULL;
      if ((url = build (web[i].scheme, host, s->port, path, len)))
        return url;
    }
  return NULL;
}
