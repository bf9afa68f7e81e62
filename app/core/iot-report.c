/* SPDX-License-Identifier: GPL-3.0-or-later
 * Check reports (see iot-report.h). Everything from the network was
 * sanitized on its way into the results; HTML escapes it all again.
 */
#include "config.h"

#include "iot-report.h"

#include "iot-checks-facts.h"
#include "iot-sanitize.h"

#include <glib/gi18n.h>
#include <string.h>

struct _IotReport
{
  char *id, *name, *host, *firmware;
  GPtrArray *addresses; /* char* */
  char *profile_id, *vendor, *family;
  GDateTime *date;
  const IotGuidelines *guidelines;
  IotGuidelineResult results[IOT_N_GUIDELINES];
};

static IotReport *
report_new (const IotDevice *d, const IotProfile *p, const IotGuidelines *gl, GDateTime *date)
{
  IotReport *r = g_new0 (IotReport, 1);
  r->id = iot_sanitize_text (d->id, -1, 0);
  r->name = iot_device_dup_display_name (d);
  g_autofree char *host = iot_device_dup_host (d);
  r->host = *host ? g_strdup_printf ("%s.local", host) : NULL;
  r->firmware = iot_check_dup_firmware_version (d);
  r->addresses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) addrs = iot_device_dup_addresses (d);
  for (guint i = 0; i < addrs->len; i++)
    g_ptr_array_add (r->addresses, iot_address_to_string (addrs->pdata[i]));
  if (p)
    {
      r->profile_id = g_strdup (p->id);
      r->vendor = g_strdup (p->vendor);
      r->family = g_strdup (p->family);
    }
  r->date = date ? g_date_time_ref (date) : g_date_time_new_now_local ();
  r->guidelines = gl;
  return r;
}

IotReport *
iot_report_new (const IotDevice *d, const IotProfile *p, const IotGuidelines *gl,
                IotCheckRunner *runner, GDateTime *date)
{
  IotReport *r = report_new (d, p, gl, date);
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      const IotGuidelineResult *g = iot_check_runner_get_result (runner, i + 1);
      r->results[i].guideline = g->guideline;
      r->results[i].status = g->status;
      r->results[i].results = g_ptr_array_ref (g->results);
    }
  return r;
}

IotReport *
iot_report_new_from_results (const IotDevice *d, const IotProfile *p, const IotGuidelines *gl,
                             GPtrArray *results, GDateTime *date)
{
  IotReport *r = report_new (d, p, gl, date);
  iot_check_aggregate (results, gl, r->results);
  return r;
}

void
iot_report_free (IotReport *r)
{
  if (r == NULL)
    return;
  g_free (r->id);
  g_free (r->name);
  g_free (r->host);
  g_free (r->firmware);
  g_ptr_array_unref (r->addresses);
  g_free (r->profile_id);
  g_free (r->vendor);
  g_free (r->family);
  g_date_time_unref (r->date);
  iot_guideline_results_clear (r->results);
  g_free (r);
}

IotCheckStatus
iot_report_get_status (const IotReport *r, guint id)
{
  g_return_val_if_fail (id >= 1 && id <= IOT_N_GUIDELINES, IOT_CHECK_NA);
  return r->results[id - 1].status;
}

IotCheckStatus
iot_report_get_worst (const IotReport *r)
{
  IotCheckStatus worst = IOT_CHECK_NA;
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    worst = iot_check_status_worst (worst, r->results[i].status);
  return worst;
}

gboolean
iot_report_format_from_string (const char *name, IotReportFormat *format)
{
  static const char *const names[] = { "text", "json", "html" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (name && g_ascii_strcasecmp (name, names[i]) == 0)
      {
        *format = (IotReportFormat) i;
        return TRUE;
      }
  return FALSE;
}

/* The guideline's own references, in one list: CoP, ETSI, PSTI, CRA. */
static GPtrArray *
guideline_references (const IotGuideline *g)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (refs, g_strdup_printf ("UK Code of Practice guideline %u", g->id));
  g_ptr_array_add (refs, g_strdup_printf ("ETSI EN 303 645 %s", g->etsi));
  if (g->psti)
    g_ptr_array_add (refs, g_strdup_printf ("UK PSTI %s", g->psti));
  for (guint i = 0; g->cra && g->cra[i]; i++)
    g_ptr_array_add (refs, g_strdup_printf ("EU CRA Annex %s", g->cra[i]));
  return refs;
}

static char *
date_string (const IotReport *r)
{
  return g_date_time_format_iso8601 (r->date);
}

static void
member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
iot_report_to_json (const IotReport *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *date = date_string (r);
  json_builder_begin_object (b);
  member_string (b, "schema", IOT_CHECK_SCHEMA);
  member_string (b, "date", date);
  json_builder_set_member_name (b, "device");
  json_builder_begin_object (b);
  member_string (b, "id", r->id);
  member_string (b, "name", r->name);
  member_string (b, "host", r->host);
  json_builder_set_member_name (b, "addresses");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->addresses->len; i++)
    json_builder_add_string_value (b, r->addresses->pdata[i]);
  json_builder_end_array (b);
  member_string (b, "firmware", r->firmware);
  json_builder_set_member_name (b, "profile");
  if (r->profile_id)
    {
      json_builder_begin_object (b);
      member_string (b, "id", r->profile_id);
      member_string (b, "vendor", r->vendor);
      member_string (b, "family", r->family);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  member_string (b, "worst", iot_check_status_to_json (iot_report_get_worst (r)));
  json_builder_set_member_name (b, "guidelines");
  json_builder_begin_array (b);
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      const IotGuideline *g = iot_guidelines_get (r->guidelines, i + 1);
      const IotGuidelineResult *gr = &r->results[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_int_value (b, g->id);
      member_string (b, "key", g->key);
      member_string (b, "title", g->title);
      member_string (b, "status", iot_check_status_to_json (gr->status));
      member_string (b, "etsi", g->etsi);
      member_string (b, "psti", g->psti);
      json_builder_set_member_name (b, "cra");
      json_builder_begin_array (b);
      for (guint j = 0; g->cra && g->cra[j]; j++)
        json_builder_add_string_value (b, g->cra[j]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "results");
      json_builder_begin_array (b);
      for (guint j = 0; j < gr->results->len; j++)
        {
          const IotCheckResult *cr = gr->results->pdata[j];
          json_builder_begin_object (b);
          member_string (b, "check", cr->check_id);
          member_string (b, "status", iot_check_status_to_json (cr->status));
          member_string (b, "evidence", cr->evidence);
          json_builder_set_member_name (b, "references");
          json_builder_begin_array (b);
          for (guint k = 0; cr->references[k]; k++)
            json_builder_add_string_value (b, cr->references[k]);
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
join_refs (GPtrArray *refs)
{
  g_ptr_array_add (refs, NULL);
  char *s = g_strjoinv ("; ", (char **) refs->pdata);
  g_ptr_array_remove_index (refs, refs->len - 1);
  return s;
}

char *
iot_report_to_text (const IotReport *r)
{
  GString *s = g_string_new (NULL);
  g_autofree char *date = date_string (r);
  /* Translators: the heading of a device's report; %s is the device's name */
  g_string_append_printf (s, _("Security check: %s"), r->name);
  g_string_append_c (s, '\n');
  g_string_append_printf (s, "  %s: %s\n", _("Date"), date);
  if (r->host)
    g_string_append_printf (s, "  %s: %s\n", _("Host"), r->host);
  for (guint i = 0; i < r->addresses->len; i++)
    g_string_append_printf (s, "  %s: %s\n", _("Address"), (char *) r->addresses->pdata[i]);
  if (r->family)
    g_string_append_printf (s, "  %s: %s\n", _("Profile"), r->family);
  if (r->firmware)
    g_string_append_printf (s, "  %s: %s\n", _("Firmware"), r->firmware);
  g_string_append_printf (s, "  %s: %s\n", _("Overall"),
                          iot_check_status_to_label (iot_report_get_worst (r)));
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      const IotGuideline *g = iot_guidelines_get (r->guidelines, i + 1);
      const IotGuidelineResult *gr = &r->results[i];
      g_autoptr (GPtrArray) refs = guideline_references (g);
      g_autofree char *ref_text = join_refs (refs);
      g_string_append_printf (s, "\n%2u. %s: %s\n", g->id, _(g->title),
                              iot_check_status_to_label (gr->status));
      for (guint j = 0; j < gr->results->len; j++)
        {
          const IotCheckResult *cr = gr->results->pdata[j];
          g_string_append_printf (s, "    - %s: %s\n", iot_check_status_to_label (cr->status),
                                  cr->evidence);
        }
      g_string_append_printf (s, "    %s: %s\n", _("References"), ref_text);
    }
  return g_string_free (s, FALSE);
}

static void
html_append (GString *s, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Appends @format with every string argument escaped. */
static void
html_append (GString *s, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  g_autofree char *text = g_markup_vprintf_escaped (format, ap);
  va_end (ap);
  g_string_append (s, text);
}

char *
iot_report_to_html (const IotReport *r)
{
  GString *s = g_string_new (NULL);
  g_autofree char *date = date_string (r);
  g_autofree char *title = g_strdup_printf (_("Security check: %s"), r->name);
  const char *lang = g_getenv ("LANG");
  g_autofree char *lang_tag = g_strdup (lang && *lang && g_ascii_isalpha (*lang) ? lang : "en");
  lang_tag[strcspn (lang_tag, "_.@")] = '\0';
  html_append (s,
               "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<title>%s</title>\n<style>\n"
               "body{font-family:sans-serif;max-width:48em;margin:1em auto}\n"
               "table{border-collapse:collapse}td,th{padding:.2em .5em;text-align:left;"
               "vertical-align:top}\n.fail{color:#a00}.warn{color:#850}.pass{color:#060}\n"
               "@media print{body{margin:0}}\n</style>\n</head>\n<body>\n<h1>%s</h1>\n"
               "<table>\n",
               lang_tag, title, title);
  html_append (s, "<tr><th>%s</th><td>%s</td></tr>\n", _("Date"), date);
  if (r->host)
    html_append (s, "<tr><th>%s</th><td>%s</td></tr>\n", _("Host"), r->host);
  for (guint i = 0; i < r->addresses->len; i++)
    html_append (s, "<tr><th>%s</th><td>%s</td></tr>\n", _("Address"),
                 (char *) r->addresses->pdata[i]);
  if (r->family)
    html_append (s, "<tr><th>%s</th><td>%s</td></tr>\n", _("Profile"), r->family);
  if (r->firmware)
    html_append (s, "<tr><th>%s</th><td>%s</td></tr>\n", _("Firmware"), r->firmware);
  IotCheckStatus worst = iot_report_get_worst (r);
  html_append (s, "<tr><th>%s</th><td class=\"%s\">%s</td></tr>\n</table>\n", _("Overall"),
               iot_check_status_to_json (worst), iot_check_status_to_label (worst));
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    {
      const IotGuideline *g = iot_guidelines_get (r->guidelines, i + 1);
      const IotGuidelineResult *gr = &r->results[i];
      g_autoptr (GPtrArray) refs = guideline_references (g);
      g_autofree char *ref_text = join_refs (refs);
      g_autofree char *num = g_strdup_printf ("%u", g->id);
      html_append (s, "<h2 id=\"g%s\">%s. %s: <span class=\"%s\">%s</span></h2>\n<ul>\n", num,
                   num, _(g->title), iot_check_status_to_json (gr->status),
                   iot_check_status_to_label (gr->status));
      for (guint j = 0; j < gr->results->len; j++)
        {
          const IotCheckResult *cr = gr->results->pdata[j];
          html_append (s, "<li><strong class=\"%s\">%s</strong>: %s</li>\n",
                       iot_check_status_to_json (cr->status),
                       iot_check_status_to_label (cr->status), cr->evidence);
        }
      html_append (s, "</ul>\n<p><small>%s: %s</small></p>\n", _("References"), ref_text);
    }
  g_string_append (s, "</body>\n</html>\n");
  return g_string_free (s, FALSE);
}

char *
iot_report_to_format (const IotReport *r, IotReportFormat format)
{
  switch (format)
    {
    case IOT_REPORT_TEXT:
      return iot_report_to_text (r);
    case IOT_REPORT_HTML:
      return iot_report_to_html (r);
    case IOT_REPORT_JSON:
      {
        g_autoptr (JsonNode) root = iot_report_to_json (r);
        g_autofree char *text = json_to_string (root, TRUE);
        return g_strconcat (text, "\n", NULL);
      }
    }
  g_return_val_if_reached (NULL);
}

/* Atomically: a reader sees the old file or the whole new one. */
gboolean
iot_report_write (const IotReport *r, IotReportFormat format, const char *path, GError **error)
{
  g_autofree char *text = iot_report_to_format (r, format);
  return g_file_set_contents (path, text, -1, error);
}
