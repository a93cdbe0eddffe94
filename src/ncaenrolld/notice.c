/*
 * notice — the applicant's mail in words: a table of templates per notice and language,
 * filled with the application's facts. The words are here, in kk, ru and en at once,
 * not in the catalogs: each mail is written in its reader's language, whatever the
 * service's own locale. Terms follow po/kk.po and po/ru.po (өтінім / заявка, тіркеу
 * пункті / пункт регистрации, кері қайтарылды / отозваны), and kk and ru texts hold no
 * Latin words: a program's menus are named as its kk and ru screens name them.
 *
 * A template holds {fact} placeholders. A line whose fact is unknown for this
 * application (no operator's text, no role) is left out whole, so no mail shows an empty
 * "Reason:". Paragraphs are single lines: mail readers wrap them to their own width.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cause.h"
#include "common/reason.h"
#include "common/revocation.h"
#include "ncaenrolld/documents.h"
#include "ncaenrolld/notice.h"
#include "ncaenrolld/store.h"

/* Kazakhstan has one zone, UTC+05:00, since 2024-03-01; a mail names the offset. */
#define NOTICE_TZ_SECONDS	(5 * 3600)
#define NOTICE_TZ_NAME		"+05:00"
#define NOTICE_DAY		86400

enum notice_lang { NOTICE_KK, NOTICE_RU, NOTICE_EN, NOTICE_LANG__MAX };

/* What a template may name: {name} is facts_names[F_NAME], and so on. */
enum notice_fact {
	F_NAME, F_NUMBER, F_CREATED, F_DEADLINE, F_VDAYS, F_LEFT_DEADLINE, F_UNTIL,
	F_LEFT_UNTIL, F_SERIAL_AUTH, F_SERIAL_SIGN, F_ORG, F_BIN, F_ROLE, F_PLACE,
	F_DOCUMENTS, F_REASON, F_NOTE, F_REVOKED, F_REVOCATION, F__MAX
};

static const char *const notice_fact_names[F__MAX] = {
	"name", "number", "created", "deadline", "vdays", "left_deadline", "until",
	"left_until", "serial_auth", "serial_sign", "org", "bin", "role", "place",
	"documents", "reason", "note", "revoked", "revocation",
};

/* ---- the languages ---- */

static int
notice_plural_kk(long n)
{
	(void)n;
	return 0;	/* a noun after a numeral stays singular */
}

static int
notice_plural_ru(long n)
{
	if (n % 100 >= 11 && n % 100 <= 14)
		return 2;
	if (n % 10 == 1)
		return 0;
	return n % 10 >= 2 && n % 10 <= 4 ? 1 : 2;
}

static int
notice_plural_en(long n)
{
	return n == 1 ? 0 : 1;
}

struct notice_lang_words {
	const char	*code;
	int		(*plural)(long);
	const char	*days[3];		/* "день", "дня", "дней" by plural() */
	int		 names[3];		/* directory names to try: 0 kk, 1 ru, 2 en */
	const char	*greeting, *greeting_plain;
	const char	*subject_plain;		/* when the notice's subject lacks a fact */
	const char	*signature;		/* the body's last line */
};

static const struct notice_lang_words notice_langs[NOTICE_LANG__MAX] = {
	[NOTICE_KK] = { "kk", notice_plural_kk, { "күн", "күн", "күн" }, { 0, 1, 2 },
	    "Құрметті {name}!", "Құрметті өтініш беруші!", "{number} өтінімі",
	    "ҚР ҰКО тіркеу қызметі. Хат автоматты түрде жіберілді: бұл мекенжайға "
	    "жазылған жауаптар оқылмайды." },
	[NOTICE_RU] = { "ru", notice_plural_ru, { "день", "дня", "дней" }, { 1, 0, 2 },
	    "Здравствуйте, {name}!", "Здравствуйте!", "Заявка {number}",
	    "Сервис регистрации НУЦ РК. Письмо отправлено автоматически: ответы на этот "
	    "адрес не читаются." },
	[NOTICE_EN] = { "en", notice_plural_en, { "day", "days", "days" }, { 2, 1, 0 },
	    "Dear {name},", "Hello,", "Application {number}",
	    "NCA RK enrollment service. This mail was sent automatically: replies to this "
	    "address are not read." },
};

static enum notice_lang
notice_lang_find(const char *lang)
{
	if (lang != NULL && strcmp(lang, notice_langs[NOTICE_KK].code) == 0)
		return NOTICE_KK;
	if (lang != NULL && strcmp(lang, notice_langs[NOTICE_RU].code) == 0)
		return NOTICE_RU;
	return NOTICE_EN;
}

/* ---- the words of each notice ---- */

struct notice_words {
	const char	*subject, *body;
};

/* The three expiry notices say the same; the days left differ. */
#define NOTICE_EXPIRING_WORDS { \
	[NOTICE_KK] = { "{number} өтінімі: сертификаттардың мерзімі аяқталуына " \
	    "{left_until} қалды", \
	    "Өтініміңіз бойынша берілген сертификаттардың жарамдылық мерзімі жақында " \
	    "аяқталады.\n\n" \
	    "Өтінім нөмірі: {number}\n" \
	    "Жарамдылық мерзімі: {until} дейін\n" \
	    "Қалған уақыт: {left_until}\n\n" \
	    "Мерзімі біткенге дейін сертификаттарды тіркеу пунктіне бармай-ақ онлайн " \
	    "жаңартуға болады: өтінім берілген компьютерде ncaenroll бағдарламасын іске " \
	    "қосып, «Менің сертификаттарым» бөлімінде осы сертификаттарды таңдаңыз да, " \
	    "«Жаңарту» түймесін басыңыз. Мерзімі өтіп кеткен сертификаттарды жаңарту " \
	    "мүмкін емес: ол үшін жаңа өтінім беріп, тіркеу пунктіне бару керек." }, \
	[NOTICE_RU] = { "Заявка {number}: срок действия сертификатов истекает через " \
	    "{left_until}", \
	    "Срок действия сертификатов по вашей заявке скоро истекает.\n\n" \
	    "Номер заявки: {number}\n" \
	    "Действуют до: {until}\n" \
	    "Осталось: {left_until}\n\n" \
	    "Пока сертификаты действуют, их можно продлить онлайн, без визита в пункт " \
	    "регистрации: запустите ncaenroll на компьютере, с которого подавали заявку, " \
	    "в разделе «Мои сертификаты» выберите эти сертификаты и нажмите «Продлить». " \
	    "Истёкшие сертификаты продлить нельзя: понадобится новая заявка и визит в " \
	    "пункт регистрации." }, \
	[NOTICE_EN] = { "Application {number}: the certificates expire in {left_until}", \
	    "The certificates of your application expire soon.\n\n" \
	    "Request number: {number}\n" \
	    "Valid until: {until}\n" \
	    "Time left: {left_until}\n\n" \
	    "While they are valid, you can renew them online, with no desk visit: run " \
	    "ncaenroll on the computer you applied from, open My certificates, choose " \
	    "these certificates and press Renew (or run: ncaenroll renew {number}). " \
	    "Expired certificates cannot be renewed: they need a new application and a " \
	    "visit to a registration desk." } }

static const struct {
	const char		*wire;
	struct notice_words	 words[NOTICE_LANG__MAX];
} notice_table[NOTICE__MAX] = {
	[NOTICE_RECEIVED] = { "received", {
	[NOTICE_KK] = { "{number} өтінімі тіркелді",
	    "ҚР ҰКО тіркеу куәліктерін алуға берген өтініміңіз тіркелді.\n\n"
	    "Өтінім нөмірі: {number}\n"
	    "Берілген уақыты: {created}\n"
	    "Ұйым: {org}\n"
	    "БСН: {bin}\n"
	    "Рөл: {role}\n"
	    "Өңір, қала: {place}\n\n"
	    "Өтінімді {deadline} дейін тіркеу пунктінде (ХҚКО-да) растаңыз: растауға "
	    "{vdays} беріледі. Мерзімінде расталмаған өтінімнің күші жойылады.\n\n"
	    "Тіркеу пунктіне мыналарды әкеліңіз:\n"
	    "{documents}\n\n"
	    "Өтінім нысаны осы хатқа PDF файл түрінде қоса берілді: оны басып шығарыңыз." },
	[NOTICE_RU] = { "Заявка {number} зарегистрирована",
	    "Ваша заявка на выпуск регистрационных свидетельств НУЦ РК зарегистрирована.\n\n"
	    "Номер заявки: {number}\n"
	    "Подана: {created}\n"
	    "Организация: {org}\n"
	    "БИН: {bin}\n"
	    "Роль: {role}\n"
	    "Регион, город: {place}\n\n"
	    "Подтвердите заявку в пункте регистрации (ЦОН) до {deadline}: на это отводится "
	    "{vdays}. Заявка, не подтверждённая в срок, аннулируется.\n\n"
	    "Принесите в пункт регистрации:\n"
	    "{documents}\n\n"
	    "Форма заявки приложена к этому письму в виде файла PDF: распечатайте её." },
	[NOTICE_EN] = { "Application {number} registered",
	    "Your application for NCA RK registration certificates is registered.\n\n"
	    "Request number: {number}\n"
	    "Submitted: {created}\n"
	    "Organization: {org}\n"
	    "BIN: {bin}\n"
	    "Role: {role}\n"
	    "Region, city: {place}\n\n"
	    "Verify it at a registration desk (a public service centre, ЦОН) before "
	    "{deadline}: you have {vdays} for it. An application not verified in time is "
	    "cancelled.\n\n"
	    "Bring to the registration desk:\n"
	    "{documents}\n\n"
	    "The application form is attached to this mail as a PDF: print it." } } },
	[NOTICE_ISSUED] = { "issued", {
	[NOTICE_KK] = { "{number} өтінімі: сертификаттар берілді",
	    "Өтініміңіз тіркеу пунктінде мақұлданды: ҚР ҰКО тіркеу куәліктері "
	    "(екі сертификат) берілді.\n\n"
	    "Өтінім нөмірі: {number}\n"
	    "Аутентификация сертификаты, сериялық нөмірі: {serial_auth}\n"
	    "Қол қою сертификаты, сериялық нөмірі: {serial_sign}\n"
	    "Жарамдылық мерзімі: {until} дейін\n\n"
	    "Сертификаттарды орнату үшін өтінім берілген компьютерде ncaenroll "
	    "бағдарламасын іске қосыңыз (кілттер токенде болса, сол токенді қосыңыз), "
	    "«Сертификаттарды орнату» тармағын таңдап, осы өтінімді көрсетіңіз. "
	    "Бағдарлама екі сертификатты да жүктеп алып, тексереді және кілттеріңіздің "
	    "жанына сақтайды." },
	[NOTICE_RU] = { "Заявка {number}: сертификаты выпущены",
	    "Ваша заявка одобрена в пункте регистрации: регистрационные свидетельства "
	    "НУЦ РК (два сертификата) выпущены.\n\n"
	    "Номер заявки: {number}\n"
	    "Сертификат аутентификации, серийный номер: {serial_auth}\n"
	    "Сертификат подписи, серийный номер: {serial_sign}\n"
	    "Действуют до: {until}\n\n"
	    "Чтобы установить сертификаты, запустите ncaenroll на компьютере, с которого "
	    "подавали заявку (если ключи на токене, подключите этот токен), выберите "
	    "«Установить сертификаты» и эту заявку. Программа загрузит оба сертификата, "
	    "проверит их и сохранит рядом с вашими ключами." },
	[NOTICE_EN] = { "Application {number}: certificates issued",
	    "Your application was approved at a registration desk: both NCA RK "
	    "registration certificates are issued.\n\n"
	    "Request number: {number}\n"
	    "Authentication certificate, serial number: {serial_auth}\n"
	    "Signing certificate, serial number: {serial_sign}\n"
	    "Valid until: {until}\n\n"
	    "To install them, run ncaenroll on the computer you applied from (with the "
	    "token plugged in, if your keys are on one), choose Install certificates and "
	    "this application, or run: ncaenroll install {number}. It downloads both "
	    "certificates, checks them and stores them beside your keys." } } },
	[NOTICE_REJECTED] = { "rejected", {
	[NOTICE_KK] = { "{number} өтінімі: қабылданбады",
	    "Өтініміңіз тіркеу пунктінде қабылданбады.\n\n"
	    "Өтінім нөмірі: {number}\n"
	    "Себебі: {reason}\n"
	    "Тіркеу пунктінің түсініктемесі: {note}\n\n"
	    "Қабылданбаған өтінімді жалғастыру мүмкін емес. Сертификаттар алу үшін "
	    "ncaenroll бағдарламасында жаңа кілттермен қайта өтінім беріңіз де, жаңа "
	    "өтінімнің басып шығарылған нысаны мен құжаттарды тіркеу пунктіне уақытында "
	    "әкеліңіз." },
	[NOTICE_RU] = { "Заявка {number}: отклонена",
	    "Ваша заявка отклонена в пункте регистрации.\n\n"
	    "Номер заявки: {number}\n"
	    "Причина: {reason}\n"
	    "Пояснение пункта регистрации: {note}\n\n"
	    "Продолжить отклонённую заявку нельзя. Чтобы получить сертификаты, подайте "
	    "заявку заново с новыми ключами в программе ncaenroll и вовремя принесите "
	    "распечатанную форму новой заявки и документы в пункт регистрации." },
	[NOTICE_EN] = { "Application {number}: rejected",
	    "Your application was rejected at a registration desk.\n\n"
	    "Request number: {number}\n"
	    "Reason: {reason}\n"
	    "The desk's note: {note}\n\n"
	    "A rejected application cannot go on. To obtain certificates, apply again with "
	    "new keys (ncaenroll apply), then bring the new application's printed form and "
	    "the documents to a registration desk in time." } } },
	[NOTICE_REMINDER] = { "reminder", {
	[NOTICE_KK] = { "{number} өтінімі: растауға {left_deadline} қалды",
	    "Өтініміңіз әлі тіркеу пунктінде расталған жоқ.\n\n"
	    "Өтінім нөмірі: {number}\n"
	    "Растаудың соңғы мерзімі: {deadline}\n"
	    "Қалған уақыт: {left_deadline}\n\n"
	    "Мерзімінде расталмаған өтінімнің күші жойылады. Тіркеу пунктіне (ХҚКО-ға) "
	    "{deadline} дейін мыналарды әкеліңіз:\n"
	    "{documents}" },
	[NOTICE_RU] = { "Заявка {number}: срок подтверждения истекает через "
	    "{left_deadline}",
	    "Ваша заявка ещё не подтверждена в пункте регистрации.\n\n"
	    "Номер заявки: {number}\n"
	    "Подтвердить до: {deadline}\n"
	    "Осталось: {left_deadline}\n\n"
	    "Заявка, не подтверждённая в срок, аннулируется. Принесите в пункт "
	    "регистрации (ЦОН) до {deadline}:\n"
	    "{documents}" },
	[NOTICE_EN] = { "Application {number}: {left_deadline} left to verify it",
	    "Your application is not yet verified at a registration desk.\n\n"
	    "Request number: {number}\n"
	    "Verify before: {deadline}\n"
	    "Time left: {left_deadline}\n\n"
	    "An application not verified in time is cancelled. Bring to a registration "
	    "desk (a public service centre, ЦОН) before {deadline}:\n"
	    "{documents}" } } },
	[NOTICE_CANCELLED] = { "cancelled", {
	[NOTICE_KK] = { "{number} өтінімінің күші жойылды",
	    "Өтініміңіз {vdays} ішінде тіркеу пунктінде расталмағандықтан, оның күші "
	    "жойылды.\n\n"
	    "Өтінім нөмірі: {number}\n"
	    "Растаудың соңғы мерзімі: {deadline}\n\n"
	    "Бұл өтінімді жалғастыру мүмкін емес. Сертификаттар әлі де қажет болса, "
	    "ncaenroll бағдарламасында жаңа кілттермен қайта өтінім беріп, оны "
	    "құжаттармен бірге тіркеу пунктіне уақытында әкеліңіз." },
	[NOTICE_RU] = { "Заявка {number} аннулирована",
	    "Ваша заявка аннулирована: её не подтвердили в пункте регистрации в "
	    "установленный срок ({vdays}).\n\n"
	    "Номер заявки: {number}\n"
	    "Срок подтверждения истёк: {deadline}\n\n"
	    "Продолжить эту заявку нельзя. Если сертификаты по-прежнему нужны, подайте "
	    "заявку заново с новыми ключами в программе ncaenroll и вовремя принесите её "
	    "в пункт регистрации вместе с документами." },
	[NOTICE_EN] = { "Application {number} cancelled",
	    "Your application was cancelled: it was not verified at a registration desk "
	    "within {vdays}.\n\n"
	    "Request number: {number}\n"
	    "The deadline was: {deadline}\n\n"
	    "It cannot go on. If you still need certificates, apply again with new keys "
	    "(ncaenroll apply) and bring the new application and the documents to a "
	    "registration desk in time." } } },
	[NOTICE_EXPIRING_30] = { "expiring-30", NOTICE_EXPIRING_WORDS },
	[NOTICE_EXPIRING_14] = { "expiring-14", NOTICE_EXPIRING_WORDS },
	[NOTICE_EXPIRING_7] = { "expiring-7", NOTICE_EXPIRING_WORDS },
	[NOTICE_REVOKED] = { "revoked", {
	[NOTICE_KK] = { "{number} өтінімі: сертификаттар кері қайтарылды",
	    "Өтініміңіздің екі сертификаты да кері қайтарылды.\n\n"
	    "Өтінім нөмірі: {number}\n"
	    "Себебі: {revocation}\n"
	    "Кері қайтарылған уақыты: {revoked}\n\n"
	    "Кері қайтарылған сертификаттармен енді қол қоюға да, жүйеге кіруге де "
	    "болмайды. Егер мұны өзіңіз сұрамаған болсаңыз, дереу тіркеу пунктіне "
	    "хабарласыңыз. Жаңа сертификаттар алу үшін жаңа кілттермен қайта өтінім "
	    "беріңіз." },
	[NOTICE_RU] = { "Заявка {number}: сертификаты отозваны",
	    "Оба сертификата по вашей заявке отозваны.\n\n"
	    "Номер заявки: {number}\n"
	    "Причина: {revocation}\n"
	    "Время отзыва: {revoked}\n\n"
	    "Отозванными сертификатами больше нельзя ни подписывать, ни входить в "
	    "системы. Если вы этого не просили, немедленно обратитесь в пункт "
	    "регистрации. Чтобы получить новые сертификаты, подайте заявку заново с "
	    "новыми ключами." },
	[NOTICE_EN] = { "Application {number}: certificates revoked",
	    "Both certificates of your application were revoked.\n\n"
	    "Request number: {number}\n"
	    "Reason: {revocation}\n"
	    "Revoked on: {revoked}\n\n"
	    "Revoked certificates can no longer be used to sign or to log in. If you did "
	    "not ask for this, contact a registration desk at once. To obtain new "
	    "certificates, apply again with new keys." } } },
};

const char *
notice_wire(enum notice n)
{
	return (unsigned)n < NOTICE__MAX ? notice_table[n].wire : NULL;
}

int
notice_parse(const char *wire, enum notice *n)
{
	size_t	i;

	for (i = 0; wire != NULL && i < NOTICE__MAX; i++) {
		if (strcmp(notice_table[i].wire, wire) == 0) {
			*n = (enum notice)i;
			return 0;
		}
	}
	return -1;
}

/* ---- the facts ---- */

/* "2026-12-07 19:05 +05:00" in Kazakhstan time; NULL for no time (0) or no memory. */
static char *
notice_when(time_t t)
{
	struct tm	tm;
	time_t		local = t + NOTICE_TZ_SECONDS;
	char		buf[40];

	if (t == 0 || gmtime_r(&local, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M " NOTICE_TZ_NAME, &tm) == 0)
		return NULL;
	return strdup(buf);
}

/* "30 дней": n and the noun in the reader's language. */
static char *
notice_days(enum notice_lang l, long n)
{
	const struct notice_lang_words	*w = &notice_langs[l];
	char				*s;

	return asprintf(&s, "%ld %s", n, w->days[w->plural(n)]) == -1 ? NULL : s;
}

/* Calendar days in Kazakhstan from now to t, as a person counts them; never below 0. */
static char *
notice_days_to(enum notice_lang l, time_t t, time_t now)
{
	long	d;

	if (t == 0)
		return NULL;
	d = (long)((t + NOTICE_TZ_SECONDS) / NOTICE_DAY -
	    (now + NOTICE_TZ_SECONDS) / NOTICE_DAY);
	return notice_days(l, d < 0 ? 0 : d);
}

static char *
notice_dup(const char *s)
{
	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

/* "A B C" of the parts that are there; NULL when none is. */
static char *
notice_join(const char *const *parts, size_t n, const char *sep)
{
	char	*s = NULL, *grown;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (parts[i] == NULL || *parts[i] == '\0')
			continue;
		if (asprintf(&grown, "%s%s%s", s != NULL ? s : "", s != NULL ? sep : "",
		    parts[i]) == -1) {
			free(s);
			return NULL;
		}
		free(s);
		s = grown;
	}
	return s;
}

/* A directory entry's name in the reader's language (the next one if it has none), or
 * its id when st is NULL or does not know it. */
static char *
notice_dir_name(struct store *st, enum store_dir dir, const char *id, enum notice_lang l)
{
	struct store_entry	 e;
	const char		*names[3], *n = NULL;
	char			*s, *cause = NULL;
	int			 found = 0;
	size_t			 i;

	if (id == NULL || *id == '\0')
		return NULL;
	memset(&e, 0, sizeof e);
	if (st == NULL || store_entry_get(st, dir, id, &e, &found, &cause) == -1 || !found) {
		free(cause);	/* the id still names it; the mail goes on */
		return strdup(id);
	}
	names[0] = e.name.kk;
	names[1] = e.name.ru;
	names[2] = e.name.en;
	for (i = 0; i < 3 && (n == NULL || *n == '\0'); i++)
		n = names[notice_langs[l].names[i]];
	s = strdup(n != NULL && *n != '\0' ? n : id);
	store_entry_free(&e);
	return s;
}

static char *
notice_documents(enum notice_lang l)
{
	const char	*name;
	char		*s = NULL, *grown;
	size_t		 i;

	for (i = 0; i < DOCUMENTS_N; i++) {
		name = documents_name(&documents_checklist[i], notice_langs[l].code);
		if (asprintf(&grown, "%s%s%zu. %s", s != NULL ? s : "", s != NULL ? "\n" : "",
		    i + 1, name) == -1) {
			free(s);
			return NULL;
		}
		free(s);
		s = grown;
	}
	return s;
}

static char *
notice_reason(const struct store_app *a, enum notice_lang l)
{
	const struct reason_kind	*k = reason_find(a->reject_code);

	return k != NULL ? strdup(reason_name(k, notice_langs[l].code)) : NULL;
}

/* The operator's words as typed; an older application has only its English line. */
static char *
notice_note(const struct store_app *a)
{
	if (a->reject_text != NULL && *a->reject_text != '\0')
		return strdup(a->reject_text);
	return a->reject_code == NULL ? notice_dup(a->reject_reason) : NULL;
}

static char *
notice_revocation(const struct store_app *a, enum notice_lang l)
{
	const struct revocation_kind	*k = revocation_find(a->revoke_reason);

	return k != NULL ? strdup(revocation_name(k, notice_langs[l].code)) : NULL;
}

static void
notice_facts_free(char *v[F__MAX])
{
	size_t	i;

	for (i = 0; i < F__MAX; i++)
		free(v[i]);
}

/* Every fact of a: malloc'd, NULL where the application has none (or on no memory,
 * which *oom reports). */
static void
notice_facts(char *v[F__MAX], struct store *st, const struct store_app *a,
    enum notice_lang l, int vdays, time_t now, int *oom)
{
	const char	*name[3] = { a->surname, a->given_name, a->patronymic };
	char		*place[2];

	v[F_NAME] = notice_join(name, 3, " ");
	v[F_NUMBER] = notice_dup(a->number);
	v[F_CREATED] = notice_when(a->created);
	v[F_DEADLINE] = notice_when(a->deadline);
	v[F_VDAYS] = notice_days(l, vdays);
	v[F_LEFT_DEADLINE] = notice_days_to(l, a->deadline, now);
	v[F_UNTIL] = notice_when(a->not_after);
	v[F_LEFT_UNTIL] = notice_days_to(l, a->not_after, now);
	v[F_SERIAL_AUTH] = notice_dup(a->serial_auth);
	v[F_SERIAL_SIGN] = notice_dup(a->serial_sign);
	v[F_ORG] = notice_dup(a->org_name);
	v[F_BIN] = notice_dup(a->bin);
	v[F_ROLE] = notice_dir_name(st, STORE_ROLES, a->role_id, l);
	place[0] = notice_dir_name(st, STORE_REGIONS, a->region_id, l);
	place[1] = notice_dir_name(st, STORE_CITIES, a->city_id, l);
	v[F_PLACE] = notice_join((const char *const *)place, 2, ", ");
	v[F_DOCUMENTS] = notice_documents(l);
	v[F_REASON] = notice_reason(a, l);
	v[F_NOTE] = notice_note(a);
	v[F_REVOKED] = notice_when(a->revoked_at);
	v[F_REVOCATION] = notice_revocation(a, l);
	/* a fact missing though its source is there: no memory */
	*oom = v[F_NUMBER] == NULL || v[F_VDAYS] == NULL || v[F_DOCUMENTS] == NULL ||
	    (v[F_NAME] == NULL && a->surname != NULL && *a->surname != '\0') ||
	    (v[F_ROLE] == NULL && a->role_id != NULL && *a->role_id != '\0') ||
	    (v[F_PLACE] == NULL && a->city_id != NULL && *a->city_id != '\0');
	free(place[0]);
	free(place[1]);
}

/* ---- templates ---- */

/* The fact named by "{name}" at p (p < end), its length in *len; -1: no placeholder
 * here; -2: a placeholder naming no fact (a mistake in the table). */
static int
notice_fact_at(const char *p, const char *end, size_t *len)
{
	const char	*close;
	size_t		 i, n;

	if (*p != '{' || (close = memchr(p, '}', (size_t)(end - p))) == NULL)
		return -1;
	n = (size_t)(close - p - 1);
	*len = n + 2;
	for (i = 0; i < F__MAX; i++)
		if (strlen(notice_fact_names[i]) == n && memcmp(p + 1, notice_fact_names[i],
		    n) == 0)
			return (int)i;
	return -2;
}

/* 1: every fact of the line [p, end) is known; 0: one is not; -1: a bad placeholder. */
static int
notice_line_known(const char *p, const char *end, char *const v[F__MAX])
{
	size_t	len;
	int	k;

	for (; p < end; p++) {
		if ((k = notice_fact_at(p, end, &len)) == -2)
			return -1;
		if (k >= 0 && v[k] == NULL)
			return 0;
	}
	return 1;
}

static void
notice_line_put(FILE *f, const char *p, const char *end, char *const v[F__MAX])
{
	size_t	len;
	int	k;

	while (p < end) {
		if ((k = notice_fact_at(p, end, &len)) >= 0) {
			(void)fputs(v[k], f);
			p += len;
		} else
			(void)fputc(*p++, f);
	}
}

/*
 * Writes tmpl with its facts, a line ending each line, leaving out the lines with an
 * unknown fact (and a blank line that would follow another: *blank, the last one was).
 */
static int
notice_expand(FILE *f, const char *tmpl, char *const v[F__MAX], int *blank,
    char **cause)
{
	const char	*p = tmpl, *end;
	int		 known;

	for (; *p != '\0'; p = *end == '\n' ? end + 1 : end) {
		if ((end = strchr(p, '\n')) == NULL)
			end = p + strlen(p);
		if ((known = notice_line_known(p, end, v)) == -1) {
			cause_set(cause, "notice: a placeholder names no fact in \"%.*s\"",
			    (int)(end - p), p);
			return -1;
		}
		if (!known || (end == p && *blank))
			continue;
		notice_line_put(f, p, end, v);
		(void)fputc('\n', f);
		*blank = end == p;
	}
	return 0;
}

/* The n templates filled in, one after the other, malloc'd; the trailing line end is
 * dropped when one_line is set (a subject). */
static char *
notice_fill(const char *const *tmpls, size_t n, char *const v[F__MAX], int one_line,
    char **cause)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 len = 0, i;
	int	 blank = 1, bad = 0;

	if ((f = open_memstream(&text, &len)) == NULL) {
		cause_set(cause, "open_memstream: %s", strerror(errno));
		return NULL;
	}
	for (i = 0; i < n && !bad; i++)
		bad = notice_expand(f, tmpls[i], v, &blank, cause) == -1;
	bad = bad || ferror(f);
	if (fclose(f) != 0 || bad) {
		if (cause != NULL && *cause == NULL)
			cause_set(cause, "out of memory writing a notice");
		free(text);
		return NULL;
	}
	if (one_line && len > 0 && text[len - 1] == '\n')
		text[len - 1] = '\0';
	return text;
}

int
notice_render(enum notice n, struct store *st, const struct store_app *a,
    const char *lang, int verification_days, time_t now, char **subject,
    char **body, char **cause)
{
	enum notice_lang		 l = notice_lang_find(lang);
	const struct notice_lang_words	*lw = &notice_langs[l];
	const struct notice_words	*w;
	const char			*parts[5];
	char				*v[F__MAX] = { NULL };
	int				 oom = 0, rc = -1;

	*subject = *body = NULL;
	if ((unsigned)n >= NOTICE__MAX) {
		cause_set(cause, "notice %d: no such notice", (int)n);
		return -1;
	}
	if (a->number[0] == '\0') {
		cause_set(cause, "notice %s: the application has no number", notice_wire(n));
		return -1;
	}
	w = &notice_table[n].words[l];
	notice_facts(v, st, a, l, verification_days, now, &oom);
	if (oom) {
		cause_set(cause, "out of memory writing a notice");
		goto out;
	}
	parts[0] = v[F_NAME] != NULL ? lw->greeting : lw->greeting_plain;
	parts[1] = "\n";
	parts[2] = w->body;
	parts[3] = "\n-- ";
	parts[4] = lw->signature;
	if ((*subject = notice_fill(&w->subject, 1, v, 1, cause)) == NULL)
		goto out;
	if (**subject == '\0') {	/* its fact is unknown: the number alone */
		free(*subject);
		if ((*subject = notice_fill(&lw->subject_plain, 1, v, 1, cause)) == NULL)
			goto out;
	}
	if ((*body = notice_fill(parts, 5, v, 0, cause)) == NULL)
		goto out;
	rc = 0;
out:
	notice_facts_free(v);
	if (rc == -1) {
		free(*subject);
		free(*body);
		*subject = *body = NULL;
	}
	return rc;
}
