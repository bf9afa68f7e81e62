/* SPDX-License-Identifier: GPL-3.0-or-later
 * Loads data/guidelines.conf. The file is ours, but it is still checked as
 * strictly as the configuration: exactly guidelines 1 to 13, each once, with
 * every field of the right type, so a broken install fails loudly with the
 * file and line instead of showing an incomplete card.
 */
#include "config.h"

#include "iot-guidelines.h"

#include "iot-config.h"

#include <glib/gi18n.h>
#include <libconfig.h>

struct _IotGuidelines
{
  IotGuideline items[IOT_N_GUIDELINES];
};

/* Returns: (transfer full): $IOTSETUP_DATADIR/guidelines.conf for uninstalled
 * runs, else the installed copy. */
char *
iot_guidelines_default_path (void)
{
  const char *dir = g_getenv ("IOTSETUP_DATADIR");
  return g_build_filename (dir && *dir ? dir : PKGDATADIR, "guidelines.conf", NULL);
}

static void
guideline_clear (IotGuideline *g)
{
  g_free (g->key);
  g_free (g->title);
  g_free (g->explanation);
  g_free (g->etsi);
  g_free (g->psti);
  g_strfreev (g->cra);
  *g = (IotGuideline){ 0 };
}

void
iot_guidelines_free (IotGuidelines *gl)
{
  if (gl == NULL)
    return;
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    guideline_clear (&gl->items[i]);
  g_free (gl);
}

static gboolean
get_string (config_setting_t *entry, const char *name, gboolean may_be_empty, const char *file,
            char **out, GError **error)
{
  const char *v = NULL;
  config_setting_t *s = config_setting_get_member (entry, name);
  if (s == NULL || (v = config_setting_get_string (s)) == NULL ||
      (!may_be_empty && *v == '\0'))
    {
      g_autofree char *what = g_strdup_printf (_("needs a text setting “%s”"), name);
      return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, s ? s : entry, file,
                                  "guidelines", what);
    }
  *out = *v ? g_strdup (v) : NULL;
  return TRUE;
}

static gboolean
load_entry (IotGuidelines *gl, config_setting_t *entry, const char *file, GError **error)
{
  int id = 0;
  if (config_setting_type (entry) != CONFIG_TYPE_GROUP ||
      !config_setting_lookup_int (entry, "id", &id) || id < 1 || id > IOT_N_GUIDELINES)
    return iot_config_error_at (error, IOT_CONFIG_ERROR_VALUE, entry, file, "guidelines",
                                _("each entry needs an id from 1 to 13"));
  IotGuideline *g = &gl->items[id - 1];
  if (g->id != 0)
    return iot_config_error_at (error, IOT_CONFIG_ERROR_VALUE, entry, file, "guidelines",
                                _("the same id appears twice"));
  g->id = id;
  if (!get_string (entry, "key", FALSE, file, &g->key, error) ||
      !get_string (entry, "title", FALSE, file, &g->title, error) ||
      !get_string (entry, "explanation", FALSE, file, &g->explanation, error) ||
      !get_string (entry, "etsi", FALSE, file, &g->etsi, error) ||
      !get_string (entry, "psti", TRUE, file, &g->psti, error))
    return FALSE;

  config_setting_t *cra = config_setting_get_member (entry, "cra");
  if (cra == NULL || config_setting_type (cra) != CONFIG_TYPE_ARRAY)
    return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, cra ? cra : entry, file,
                                "guidelines", _("needs a list “cra” of text items"));
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  for (int i = 0; i < config_setting_length (cra); i++)
    {
      const char *item = config_setting_get_string_elem (cra, i);
      if (item == NULL)
        return iot_config_error_at (error, IOT_CONFIG_ERROR_TYPE, cra, file, "guidelines",
                                    _("needs a list “cra” of text items"));
      g_strv_builder_add (b, item);
    }
  g->cra = g_strv_builder_end (b);
  return TRUE;
}

IotGuidelines *
iot_guidelines_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (IotGuidelines) gl = g_new0 (IotGuidelines, 1);
  config_t cf;
  config_init (&cf);
  gboolean ok = FALSE;

  if (config_read_file (&cf, path) != CONFIG_TRUE)
    {
      if (config_error_type (&cf) == CONFIG_ERR_FILE_IO)
        g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_NOT_FOUND,
                     _("%s: cannot read the guidelines file"), path);
      else
        iot_config_parse_error (&cf, path, error);
      goto out;
    }
  config_setting_t *list = config_lookup (&cf, "guidelines");
  if (list == NULL || config_setting_type (list) != CONFIG_TYPE_LIST)
    {
      g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_TYPE,
                   _("%s: needs a list “guidelines = ( … );”"), path);
      goto out;
    }
  for (int i = 0; i < config_setting_length (list); i++)
    if (!load_entry (gl, config_setting_get_elem (list, i), path, error))
      goto out;
  for (guint i = 0; i < IOT_N_GUIDELINES; i++)
    if (gl->items[i].id == 0)
      {
        g_set_error (error, IOT_CONFIG_ERROR, IOT_CONFIG_ERROR_VALUE,
                     _("%s: guideline %u is missing"), path, i + 1);
        goto out;
      }
  ok = TRUE;
out:
  config_destroy (&cf);
  /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): g_autoptr frees it; clang 14's analyzer does not model cleanup attributes */
  return ok ? g_steal_pointer (&gl) : NULL;
}

/* Returns: guideline @id (1 … 13). */
const IotGuideline *
iot_guidelines_get (const IotGuidelines *gl, guint id)
{
  g_return_val_if_fail (gl != NULL && id >= 1 && id <= IOT_N_GUIDELINES, NULL);
  return &gl->items[id - 1];
}
