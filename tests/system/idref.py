"""An independent reading of nca-facts.md §1 (IIN/BIN), for checking the C code against
numbers nobody wrote by hand. Kept deliberately plain: it shares no code with src/common."""
import calendar
import datetime

W1 = list(range(1, 12))
W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


def check_digit(d11):
    """The check digit for 11 digits, or None when both passes give 10."""
    for w in (W1, W2):
        c = sum(int(a) * b for a, b in zip(d11, w)) % 11
        if c != 10:
            return c
    return None


def iin_ok(s, today=None):
    today = today or datetime.date.today()
    if len(s) != 12 or not s.isdigit():
        return False
    if s[4] in "456":
        return False
    cs = int(s[6])
    if not 1 <= cs <= 6:
        return False
    year = 1800 + 100 * ((cs - 1) // 2) + int(s[:2])
    month, day = int(s[2:4]), int(s[4:6])
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    if datetime.date(year, month, day) > today:
        return False
    return check_digit(s[:11]) == int(s[11])


def bin_ok(s):
    if len(s) != 12 or not s.isdigit():
        return False
    if not 1 <= int(s[2:4]) <= 12 or s[4] not in "456" or s[5] not in "0123":
        return False
    return check_digit(s[:11]) == int(s[11])
