/* tui-run — the run of a program: its screens one after another, Back and goto between them. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/cause.h"
#include "common/i18n.h"
#include "tui/screen.h"
#include "tui/tui-run.h"
#include "tui/tui-term.h"
#include "tui/tui.h"

#define TUI_RUN_STACK_MAX	32

struct tui_run_flow {
	const struct formdef	*stack[TUI_RUN_STACK_MAX];
	int			 depth;
};

/*
 * Going to a screen already on the way back unwinds to it, so the stack never loops. A
 * screen left for good (`once`: an installing password taken) is not put on the way back.
 */
static const struct formdef *
tui_run_go(struct tui_run_flow *f, const struct formdef *from, const struct formdef *to)
{
	int	i;

	for (i = 0; i < f->depth; i++)
		if (f->stack[i] == to) {
			f->depth = i;
			return to;
		}
	if (to == from || from->once)
		return to;
	if (f->depth == TUI_RUN_STACK_MAX) {
		memmove(f->stack, f->stack + 1, (TUI_RUN_STACK_MAX - 1) * sizeof f->stack[0]);
		f->depth--;
	}
	f->stack[f->depth++] = from;
	return to;
}

/* The one screen whose `next` is this one, or NULL (none, or several). */
static const struct formdef *
tui_run_before(const struct tui *tui, const struct formdef *fd)
{
	const struct formdef	*found = NULL;
	size_t			 i;

	for (i = 0; i < tui->nforms; i++)
		if (tui->forms[i].next != NULL && strcmp(tui->forms[i].next, fd->id) == 0) {
			if (found != NULL)
				return NULL;
			found = &tui->forms[i];
		}
	return found;
}

/*
 * A jump to `to` as if the form had been walked there from `from` (screen_go_from):
 * the screens between are put on the way back, so Back leads through them.
 */
static const struct formdef *
tui_run_along(struct tui *tui, struct tui_run_flow *f, const struct formdef *cur,
    const struct formdef *to, const char *from)
{
	const struct formdef	*way[TUI_RUN_STACK_MAX], *x = to;
	int			 n = 0;

	while (n < TUI_RUN_STACK_MAX && strcmp(x->id, from) != 0 &&
	    (x = tui_run_before(tui, x)) != NULL)
		way[n++] = x;
	if (x == NULL || strcmp(x->id, from) != 0)
		n = 0;		/* no such way: Back comes back here */
	while (n > 0)
		cur = tui_run_go(f, cur, way[--n]);
	return tui_run_go(f, cur, to);
}

static int
tui_run_flow(struct tui *tui, char **cause)
{
	struct tui_run_flow		 flow = { .depth = 0 };
	const struct formdef	*cur = tui_form(tui, "main"), *to, *first = NULL;
	enum screen_exit	 ex;
	const char		*target;

	/* The program may open elsewhere (an unfinished application); Esc there: the menu. */
	if (tui->program != NULL && tui->program->first_screen != NULL)
		first = tui_form(tui, tui->program->first_screen(tui));
	if (first != NULL && first != cur) {
		flow.stack[flow.depth++] = cur;
		cur = first;
	}
	while (cur != NULL) {
		tui->go_from = NULL;
		if (screen_run(tui, cur, &ex, &target, cause) == -1)
			return -1;
		to = NULL;
		if (ex == SCREEN_NEXT)
			to = cur->next != NULL ? tui_form(tui, cur->next) : cur;
		else if (ex == SCREEN_GOTO)	/* no target (a button without one): stay */
			to = target != NULL ? tui_form(tui, target) : cur;
		else if (ex == SCREEN_BACK && flow.depth > 0) {
			cur = flow.stack[--flow.depth];
			continue;
		}
		/* SCREEN_QUIT, and Esc on the first screen, leave. */
		if (to == NULL)
			break;
		cur = ex == SCREEN_GOTO && tui->go_from != NULL ?
		    tui_run_along(tui, &flow, cur, to, tui->go_from) :
		    tui_run_go(&flow, cur, to);
	}
	return 0;
}

int
tui_run(const struct tui_program *program, void *ctx, const char *lang, char **cause)
{
	struct tui	 tui = { .program = program, .ctx = ctx };
	const char	*forms = program->forms != NULL ? program->forms : "forms";
	int		 rc = 2;

	(void)snprintf(tui.look.lang, sizeof tui.look.lang, "%s",
	    lang != NULL && i18n_known(lang) ? lang : i18n_current());
	if (tui_forms_load(&tui, tui_forms_dir(forms), cause) == -1)
		return 2;
	/* A terminal it cannot draw on is refused before curses writes a byte to it. */
	if (tui_term_check(cause) == -1) {
		tui_forms_free(&tui);
		return 2;
	}
	if (tui_form(&tui, "main") == NULL)
		cause_set(cause, _("%s: there is no main.yaml, the first screen"), tui_forms_dir(forms));
	else if (tui_start(&tui, cause) == -1)
		rc = 1;
	else {
		rc = tui_run_flow(&tui, cause) == -1 ? 1 : 0;
		tui_end(&tui);
	}
	tui_forms_free(&tui);
	return rc;
}
