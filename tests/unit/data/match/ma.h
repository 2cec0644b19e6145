/* kpatch-match test sources: what ma-a.c and ma-b.c share. */
extern int ma_counter;
extern const char *ma_last;

int ma_total(int x);
int ma_other(int x);
__attribute__((cold)) void ma_report(const char *msg, int v);
__attribute__((cold, noreturn)) void ma_fail(void);
