/*
 * screens-apply — the form itself, screen by screen: the agreement, the BIN with its
 * picture code, the IIN, the e-mail address, the role, the region and city and the
 * organization's code; each value goes to the core (enroll_set, the checks) as its
 * screen's button is pressed, a refusal at its field.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/i18n.h"
#include "ncaenroll/screens-int.h"
#include "tui/screen.h"
#include "tui/tui.h"

enum action_result
screens_apply_accept(struct screen *s)
{
	static const char *const fields[] = { "accept", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };

	if (!screen_ticked(s, "accept")) {
		screen_set_error(s, "accept", _("Tick the box to accept the agreement: without "
		    "it the application cannot be made."));
		return ACTION_STAY;
	}
	if (screens_draft(s, &err) == -1)
		return screens_report(s, &err, fields);
	return ACTION_NEXT;
}

/*
 * A new picture for the code: the service burns one at every check, right or wrong.
 * The picture goes to the captcha field as {id, width, height, bitmap}; its id is kept
 * in the screen's captcha_id value, which the check sends back.
 */
static int
screens_apply_captcha_new(struct screen *s)
{
	static const char *const fields[] = { "captcha_answer", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct enroll_captcha	 c;
	json_t			*pic = NULL, *rows = NULL;
	char			*row = NULL;
	int			 y, x, rc = -1;

	if (enroll_captcha(screens_enroll(s), &c, &err) == -1) {
		(void)screens_report(s, &err, fields);
		return -1;
	}
	if ((rows = json_array()) == NULL || (row = malloc((size_t)c.width + 1)) == NULL)
		goto out;
	for (y = 0; y < c.height; y++) {
		for (x = 0; x < c.width; x++)
			row[x] = c.bits[y * c.width + x] ? '#' : '.';
		row[c.width] = '\0';
		if (json_array_append_new(rows, json_string(row)) == -1)
			goto out;
	}
	if ((pic = json_pack("{s:s, s:i, s:i, s:O}", "id", c.id, "width", c.width, "height",
	    c.height, "bitmap", rows)) == NULL)
		goto out;
	/* The id first: the code typed is checked against it even if no picture shows. */
	if (screen_set_value(s, "captcha_id", c.id) == 0) {
		/* Without it the widget says "No picture yet: press F5", which is the way on. */
		(void)screen_set_items(s, "captcha_answer", pic);
		screens_put(s, "captcha_answer", "");
		screens_support_warm(s);
		rc = 0;
	}
out:
	json_decref(pic);
	json_decref(rows);
	free(row);
	enroll_captcha_free(&c);
	return rc;
}

enum action_result
screens_apply_check_bin(struct screen *s)
{
	static const char *const fields[] = { "bin", "captcha_answer", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*t = screens_ctx(s);
	char			 bin[16], answer[16], cid[80];

	(void)snprintf(bin, sizeof bin, "%s", screens_value(s, "bin"));
	(void)snprintf(answer, sizeof answer, "%s", screens_value(s, "captcha_answer"));
	(void)snprintf(cid, sizeof cid, "%s", screens_value(s, "captcha_id"));
	/*
	 * No code typed: F5 (the captcha widget clears the code and presses this button)
	 * or no picture yet. Either way a new picture, and the BIN judged on its own.
	 */
	if (answer[0] == '\0' || cid[0] == '\0') {
		if (screens_apply_captcha_new(s) == -1)
			return ACTION_STAY;
		if (bin[0] != '\0' && enroll_precheck("bin", bin, &err) == -1)
			return screens_report(s, &err, fields);
		screen_set_error(s, "captcha_answer", _("type the code from the picture"));
		return ACTION_STAY;
	}
	/* A mistyped BIN is refused before the picture is spent on it. */
	if (enroll_precheck("bin", bin, &err) == -1)
		return screens_report(s, &err, fields);
	if (screens_draft(s, &err) == -1)
		return screens_report(s, &err, fields);
	screen_progress(s, _("Checking the BIN..."));
	if (enroll_check_bin(screens_enroll(s), t->app_id, bin, cid, answer, &err) == -1) {
		screen_progress(s, "");
		screens_put(s, "org_name", "");
		/* The picture is spent whatever was wrong; the new one waits under the error. */
		screens_put(s, "captcha_id", "");
		(void)screens_apply_captcha_new(s);
		return screens_report(s, &err, fields);
	}
	screen_progress(s, "");
	screens_put(s, "org_name", screens_org(s));
	screens_put(s, "captcha_id", "");
	(void)screens_apply_captcha_new(s);
	screen_set_error(s, "bin", NULL);
	return ACTION_STAY;
}

enum action_result
screens_apply_bin_next(struct screen *s)
{
	/* On the way back to where the person stopped (Continue, the check had expired). */
	if (screens_bin_checked(s, screens_value(s, "bin")) &&
	    screens_path_at(screens_get(s, APPKEY_SCREEN)) > screens_path_at("iin") &&
	    screen_go_from(s, screens_get(s, APPKEY_SCREEN), "bin") == 0)
		return ACTION_GOTO;
	if (screens_bin_checked(s, screens_value(s, "bin")))
		return ACTION_NEXT;
	screen_set_error(s, "bin", screens_get(s, APPKEY_BIN) != NULL &&
	    strcmp(screens_get(s, APPKEY_BIN), screens_value(s, "bin")) == 0 ?
	    _("The check has expired: type the code from the picture and press Check BIN "
	    "again.") : _("Press Check BIN first."));
	return ACTION_STAY;
}

/*
 * The service will check no more IINs with this BIN check (used up, or expired): the
 * person is taken back to the BIN with a new picture and told why there, and comes
 * back to the IIN typed.
 */
static enum action_result
screens_apply_recheck(struct screen *s, const char *iin, struct failure *err)
{
	struct screens	*t = screens_ctx(s);

	(void)snprintf(t->recheck_iin, sizeof t->recheck_iin, "%s", iin);
	(void)snprintf(t->recheck_why, sizeof t->recheck_why, "%s",
	    screens_or(err->message, _("check the BIN again")));
	failure_free(err);
	return ACTION_GOTO;
}

enum action_result
screens_apply_check_iin(struct screen *s)
{
	static const char *const fields[] = { "iin", NULL };
	struct failure	 err = { 0, NULL, NULL, NULL };
	struct screens		*t = screens_ctx(s);
	char			 iin[16], name[512];

	(void)snprintf(iin, sizeof iin, "%s", screens_value(s, "iin"));
	if (enroll_precheck("iin", iin, &err) == -1)
		return screens_report(s, &err, fields);
	if (screens_draft(s, &err) == -1)
		return screens_report(s, &err, fields);
	screen_progress(s, _("Checking the IIN..."));
	if (enroll_check_iin(screens_enroll(s), t->app_id, iin, &err) == -1) {
		screen_progress(s, "");
		screens_put(s, "full_name", "");
		if (err.code != NULL && strncmp(err.code, "token.", 6) == 0 &&
		    !screens_bin_fresh(s) && screen_go(s, "bin") == 0)
			return screens_apply_recheck(s, iin, &err);
		return screens_report(s, &err, fields);
	}
	screen_progress(s, "");
	screens_put(s, "full_name", screens_full_name(s, name, sizeof name));
	screen_set_error(s, "iin", NULL);
	return ACTION_STAY;
}

enum action_result
screens_apply_iin_next(struct screen *s)
{
	const char	*got = screens_get(s, APPKEY_IIN);

	if (got != NULL && strcmp(got, screens_value(s, "iin")) == 0 &&
	    screens_get(s, APPKEY_SURNAME) != NULL)
		return ACTION_NEXT;
	screen_set_error(s, "iin", _("Press Check IIN first."));
	return ACTION_STAY;
}

enum action_result
screens_apply_set_email(struct screen *s)
{
	const char	*v = screens_value(s, "email"), *old = screens_get(s, APPKEY_EMAIL);
	char		*q = NULL;
	int		 yes;

	/* A new address is shown back once: mail to a typo is lost without a word. */
	if (*v != '\0' && (old == NULL || strcmp(old, v) != 0)) {
		if (asprintf(&q, _("Notices will be sent to %s. Is the address typed correctly?"),
		    v) == -1)
			return ACTION_STAY;
		yes = screen_confirm(s, _("Check the address"), q);
		free(q);
		if (!yes) {
			screen_set_error(s, "email", NULL);
			return ACTION_STAY;
		}
	}
	return screens_set(s, "email", screens_value(s, "email"), "email");
}

enum action_result
screens_apply_choose_role(struct screen *s)
{
	return screens_set(s, "role", screens_value(s, "role"), "role");
}

enum action_result
screens_apply_choose_region(struct screen *s)
{
	return screens_set(s, "region", screens_value(s, "region"), "region");
}

enum action_result
screens_apply_choose_city(struct screen *s)
{
	return screens_set(s, "city", screens_value(s, "city"), "city");
}

/* A typed code wins over the list's choice. */
enum action_result
screens_apply_choose_gucode(struct screen *s)
{
	const char	*typed = screens_value(s, "gu_code_typed");

	if (*typed != '\0')
		return screens_set(s, "gu_code", typed, "gu_code_typed");
	return screens_set(s, "gu_code", screens_value(s, "gu_code"), "gu_code");
}

/* ---- list sources: a field's `source` in forms/ names one of these ---- */

int
screens_apply_src_directory(struct screen *s, const char *field, const char *source)
{
	return screens_fill(s, field, source);
}

/* The cities of the region chosen on the screen before. */
int
screens_apply_src_cities(struct screen *s, const char *field, const char *source)
{
	char	which[128];

	(void)source;
	(void)snprintf(which, sizeof which, "cities:%s",
	    screens_or(screens_get(s, APPKEY_REGION), ""));
	return screens_fill(s, field, which);
}

int
screens_apply_enter_bin(struct screen *s)
{
	const char	*bin = screens_get(s, APPKEY_BIN);

	struct screens	*t = screens_ctx(s);
	int		 rc;

	screens_restore(s, "bin", APPKEY_BIN);
	if (bin != NULL && screens_bin_checked(s, bin))
		screens_put(s, "org_name", screens_org(s));
	screens_put(s, "captcha_id", "");
	if ((rc = screens_apply_captcha_new(s)) == 0 && t->recheck_why[0] != '\0')
		screen_set_error(s, "captcha_answer", t->recheck_why);
	t->recheck_why[0] = '\0';
	return rc;
}

int
screens_apply_enter_iin(struct screen *s)
{
	struct screens	*t = screens_ctx(s);
	char		 name[512];

	screens_put(s, "org_name", screens_org(s));
	screens_restore(s, "iin", APPKEY_IIN);
	screens_put(s, "full_name", screens_full_name(s, name, sizeof name));
	if (t->recheck_iin[0] != '\0') {
		screens_put(s, "iin", t->recheck_iin);
		screens_put(s, "full_name", "");
		t->recheck_iin[0] = '\0';
	}
	return 0;
}

/* A code that is not among the organization's was typed: it goes back where it was. */
int
screens_apply_enter_gucode(struct screen *s)
{
	const char	*code = screens_get(s, APPKEY_GU_CODE);

	if (code != NULL && strcmp(screens_value(s, "gu_code"), code) != 0)
		screens_put(s, "gu_code_typed", code);
	return 0;
}
