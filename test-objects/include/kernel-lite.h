/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel-lite.h - a freestanding stand-in for the kernel headers.
 *
 * The synthetic test cases under test-objects/ are a few lines of C each.
 * Compiled with this header and the kernel's x86-64 code generation flags
 * (see test-objects/build.sh) they produce objects that look, to an ELF
 * differ, like objects of a Linux 6.1 x86-64 build: the same section names,
 * the same special-section entry layouts and relocation patterns, the same
 * gcc symbol naming (foo.isra.0, foo.cold, count.1, CSWTCH.5, __func__.2).
 *
 * Entry layouts reproduced here (x86-64, 6.1, CONFIG_GENERIC_BUG_RELATIVE_
 * POINTERS, CONFIG_DEBUG_BUGVERBOSE, CONFIG_SMP, CONFIG_PRINTK_INDEX,
 * CONFIG_HAVE_STATIC_CALL_INLINE):
 *
 *   __bug_table           {s32 addr; s32 file; u16 line; u16 flags}    12 bytes
 *   __ex_table            {s32 insn; s32 fixup; s32 data}              12 bytes
 *   __jump_table          {s32 code; s32 target; s64 key}              16 bytes
 *   .altinstructions      {s32 instr; s32 repl; u16 cpuid; u8 instrlen;
 *                          u8 repllen}                                 12 bytes
 *                          (14 with -DKP_ALT_FT_FLAGS: u32 ft_flags, 6.3+)
 *   .static_call_sites    {s32 addr; s32 key}                           8 bytes
 *   .smp_locks            s32                                           4 bytes
 *   .retpoline_sites      s32                                           4 bytes
 *   .return_sites         s32                                           4 bytes
 *   .printk_index         const struct pi_entry *                       8 bytes
 *   __mcount_loc          u64 (written by gcc -mrecord-mcount)          8 bytes
 *
 * .static_call_sites, .retpoline_sites and .return_sites are written by
 * objtool in a real build, not by the compiler; build.sh runs a small
 * "objtool-lite" pass over the generated assembly that adds them.
 *
 * Nothing here is meant to run: the objects are only ever diffed.
 */
#ifndef KERNEL_LITE_H
#define KERNEL_LITE_H

/* ------------------------------------------------------------------ types */

typedef unsigned char		u8;
typedef unsigned short		u16;
typedef unsigned int		u32;
typedef unsigned long long	u64;
typedef signed char		s8;
typedef short			s16;
typedef int			s32;
typedef long long		s64;
typedef unsigned long		size_t;
typedef long			ssize_t;
typedef long			loff_t;
typedef unsigned int		gfp_t;
typedef _Bool			bool;

#define true	1
#define false	0
#define NULL	((void *)0)

typedef struct {
	int counter;
} atomic_t;

#define GFP_KERNEL	0xcc0u
#define GFP_ATOMIC	0xa20u

#define EFAULT		14
#define EINVAL		22
#define ENOMEM		12

#define __user

/* ------------------------------------------------------- compiler helpers */

#define __always_inline		inline __attribute__((__always_inline__))
#define noinline		__attribute__((__noinline__))
#define __noreturn		__attribute__((__noreturn__))
#define __cold			__attribute__((__cold__))
#define __used			__attribute__((__used__))
#define __maybe_unused		__attribute__((__unused__))
#define __section(s)		__attribute__((__section__(s)))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __read_mostly		__section(".data..read_mostly")

/* notrace: no fentry call, so ftrace (and livepatch) cannot hook it. */
#define notrace			__attribute__((__no_instrument_function__))

/* Boot-time only code and data, freed after init. */
#define __init			__section(".init.text") __cold
#define __initdata		__section(".init.data")
#define __exit			__section(".exit.text") __cold notrace

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define barrier()		__asm__ __volatile__("" : : : "memory")
#define asm_inline		asm __inline
#define asm_volatile_goto(x...)	asm goto(x)

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)
#define ___PASTE(a, b)		a##b
#define __PASTE(a, b)		___PASTE(a, b)
#define __UNIQUE_ID(prefix)	__PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

/* Keep a reference to @sym in a section that the final link discards. */
#define __ADDRESSABLE(sym)						\
	static void *__used __section(".discard.addressable")		\
		__UNIQUE_ID(__PASTE(__addressable_, sym)) = (void *)&sym;

/* Exports are not modelled: what is exported is what Module.symvers says. */
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

/* .modinfo strings, as MODULE_LICENSE() and friends make them. */
#define __MODULE_INFO(tag, info)					\
	static const char __UNIQUE_ID(tag)[] __used			\
		__section(".modinfo") __aligned(1) = #tag "=" info
#define MODULE_LICENSE(l)	__MODULE_INFO(license, l)
#define MODULE_DESCRIPTION(d)	__MODULE_INFO(description, d)

/* Assembler spellings shared by the special-section macros below. */
#define _ASM_PTR	" .quad "
#define _ASM_ALIGN	" .balign 8 "

/* ------------------------------------------------- the rest of the kernel */

/* Functions and data that live in vmlinux (exported or not: Module.symvers). */
/* _printk and panic are __cold: a block that calls them goes to foo.cold. */
extern int _printk(const char *fmt, ...) __printf(1, 2) __cold;
extern void __warn_printk(const char *fmt, ...) __printf(1, 2);
extern void *__kmalloc(size_t size, gfp_t flags);
extern void kfree(const void *p);
extern void *memcpy(void *dst, const void *src, size_t n);
extern void *memset(void *dst, int c, size_t n);
extern size_t strlen(const char *s);
extern int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
extern void schedule(void);
extern void msleep(unsigned int msecs);
extern void __noreturn panic(const char *fmt, ...) __printf(1, 2) __cold;
extern volatile unsigned long jiffies;

static __always_inline void *kmalloc(size_t size, gfp_t flags)
{
	return __kmalloc(size, flags);
}

static __always_inline void *kzalloc(size_t size, gfp_t flags)
{
	return __kmalloc(size, flags | 0x100u);
}

/* ----------------------------------------------------------------- printk */

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"

/* One printk format, for /sys/kernel/debug/printk/index (CONFIG_PRINTK_INDEX). */
struct pi_entry {
	const char *fmt;		/* the format string */
	const char *func;		/* __func__ of the caller */
	const char *file;		/* __FILE__ of the caller */
	unsigned int line;		/* __LINE__ of the caller */
	const char *level;		/* KERN_* level, if constant */
	const char *subsys_fmt_prefix;	/* dev_printk-style prefix */
};

/*
 * A static struct pi_entry "_entry" per call site and a pointer to it,
 * "_entry_ptr", in .printk_index.
 */
#define __printk_index_emit(_fmt, _level, _subsys_fmt_prefix)		\
	do {								\
		if (__builtin_constant_p(_fmt) &&			\
		    __builtin_constant_p(_level)) {			\
			static const struct pi_entry _entry __used = {	\
				.fmt = __builtin_constant_p(_fmt) ?	\
					(_fmt) : NULL,			\
				.func = __func__,			\
				.file = __FILE__,			\
				.line = __LINE__,			\
				.level = __builtin_constant_p(_level) ?	\
					(_level) : NULL,		\
				.subsys_fmt_prefix = _subsys_fmt_prefix,\
			};						\
			static const struct pi_entry *_entry_ptr	\
				__used __section(".printk_index") =	\
				&_entry;				\
		}							\
	} while (0)

#define printk_index_wrap(_p_func, _fmt, ...)				\
	({								\
		__printk_index_emit(_fmt, NULL, NULL);			\
		_p_func(_fmt, ##__VA_ARGS__);				\
	})

#define printk(fmt, ...)	printk_index_wrap(_printk, fmt, ##__VA_ARGS__)

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
/* pr_debug without dynamic debug: type-checked, never printed. */
#define pr_debug(fmt, ...)						\
	({ if (0) _printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__); 0; })

/*
 * DO_ONCE_LITE: a "static bool __already_done" in .data.once per call site
 * (6.1's printk_once, pr_warn_once, WARN_ONCE).
 */
#define __ONCE_LITE_IF(condition)					\
	({								\
		static bool __section(".data.once") __already_done;	\
		bool __ret_cond = !!(condition);			\
		bool __ret_once = false;				\
									\
		if (unlikely(__ret_cond && !__already_done)) {		\
			__already_done = true;				\
			__ret_once = true;				\
		}							\
		unlikely(__ret_once);					\
	})

#define DO_ONCE_LITE_IF(condition, func, ...)				\
	({								\
		bool __ret_do_once = !!(condition);			\
									\
		if (__ONCE_LITE_IF(__ret_do_once))			\
			func(__VA_ARGS__);				\
									\
		unlikely(__ret_do_once);				\
	})

#define DO_ONCE_LITE(func, ...)	DO_ONCE_LITE_IF(true, func, ##__VA_ARGS__)

#define printk_once(fmt, ...)	DO_ONCE_LITE(printk, fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)	printk_once(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info_once(fmt, ...)	printk_once(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)

/*
 * The pre-5.15 spelling of printk_once: "static bool __print_once".  Kept
 * so that a case can show the older special static too.
 */
#define printk_once_legacy(fmt, ...)					\
	({								\
		static bool __section(".data.once") __print_once;	\
		bool __ret_print_once = !__print_once;			\
									\
		if (!__print_once) {					\
			__print_once = true;				\
			printk(fmt, ##__VA_ARGS__);			\
		}							\
		unlikely(__ret_print_once);				\
	})

/* -------------------------------------------------------------- BUG / WARN */

#define BUGFLAG_WARNING		(1 << 0)
#define BUGFLAG_ONCE		(1 << 1)
#define BUGFLAG_DONE		(1 << 2)
#define BUGFLAG_NO_CUT_HERE	(1 << 3)
#define BUGFLAG_TAINT(taint)	((taint) << 8)
#define TAINT_WARN		9

/* The __bug_table entry (x86-64: relative pointers, verbose). */
struct bug_entry {
	signed int	bug_addr_disp;	/* the ud2, relative to this field */
	signed int	file_disp;	/* __FILE__, relative to this field */
	unsigned short	line;		/* __LINE__ */
	unsigned short	flags;		/* BUGFLAG_* */
};

#define ASM_UD2		".byte 0x0f, 0x0b"

/* objtool's "this ud2 is not the end of the function" annotation. */
#define ASM_REACHABLE							\
	"998:\n\t"							\
	".pushsection .discard.reachable\n\t"				\
	".long 998b - .\n\t"						\
	".popsection\n\t"

#define _BUG_FLAGS(ins, flags, extra)					\
do {									\
	asm_inline volatile("1:\t" ins "\n"				\
		     ".pushsection __bug_table,\"aw\"\n"		\
		     "2:\t.long 1b - .\t# bug_entry::bug_addr\n"	\
		     "\t.long %c0 - .\t# bug_entry::file\n"		\
		     "\t.word %c1\t# bug_entry::line\n"			\
		     "\t.word %c2\t# bug_entry::flags\n"		\
		     "\t.org 2b+%c3\n"					\
		     ".popsection\n"					\
		     extra						\
		     : : "i" (__FILE__), "i" (__LINE__),		\
			 "i" (flags),					\
			 "i" (sizeof(struct bug_entry)));		\
} while (0)

#define BUG()								\
do {									\
	_BUG_FLAGS(ASM_UD2, 0, "");					\
	__builtin_unreachable();					\
} while (0)

#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)

#define __WARN_FLAGS(flags)						\
do {									\
	__auto_type __flags = BUGFLAG_WARNING | (flags);		\
	_BUG_FLAGS(ASM_UD2, __flags, ASM_REACHABLE);			\
} while (0)

#define __WARN()	__WARN_FLAGS(BUGFLAG_TAINT(TAINT_WARN))

#define __WARN_printf(taint, arg...)					\
do {									\
	__warn_printk(arg);						\
	__WARN_FLAGS(BUGFLAG_NO_CUT_HERE | BUGFLAG_TAINT(taint));	\
} while (0)

#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN();						\
	unlikely(__ret_warn_on);					\
})

#define WARN_ON_ONCE(condition) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN_FLAGS(BUGFLAG_ONCE |				\
			     BUGFLAG_TAINT(TAINT_WARN));		\
	unlikely(__ret_warn_on);					\
})

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__WARN_printf(TAINT_WARN, format);			\
	unlikely(__ret_warn_on);					\
})

#define WARN_ONCE(condition, format...)					\
	DO_ONCE_LITE_IF(condition, WARN, 1, format)

/* ------------------------------------------------------------ might_sleep */

extern void __might_sleep(const char *file, int line);
extern void __might_resched(const char *file, int line, unsigned int offsets);
extern void __might_fault(const char *file, int line);

/* CONFIG_DEBUG_ATOMIC_SLEEP: the file and line go in %rdi and %esi. */
#define might_sleep()		do { __might_sleep(__FILE__, __LINE__); } while (0)
#define might_fault()		do { __might_fault(__FILE__, __LINE__); } while (0)
#define might_resched_check(offsets) \
	do { __might_resched(__FILE__, __LINE__, offsets); } while (0)

extern int __cond_resched(void);
#define cond_resched() ({ __might_resched(__FILE__, __LINE__, 0); __cond_resched(); })

/* ---------------------------------------------------------- exception table */

#define EX_TYPE_DEFAULT		1
#define EX_TYPE_FAULT		2
#define EX_TYPE_UACCESS		3

/* A __ex_table entry {s32 insn; s32 fixup; s32 data}. */
#define _ASM_EXTABLE_TYPE(from, to, type)				\
	" .pushsection \"__ex_table\",\"a\"\n"				\
	" .balign 4\n"							\
	" .long (" #from ") - .\n"					\
	" .long (" #to ") - .\n"					\
	" .long " __stringify(type) " \n"				\
	" .popsection\n"

#define _ASM_EXTABLE(from, to)		_ASM_EXTABLE_TYPE(from, to, EX_TYPE_DEFAULT)
#define _ASM_EXTABLE_UA(from, to)	_ASM_EXTABLE_TYPE(from, to, EX_TYPE_UACCESS)

/* ------------------------------------------------------------ alternatives */

/* CPU feature bits (word * 32 + bit), as in asm/cpufeatures.h. */
#define X86_FEATURE_XMM2		( 0 * 32 + 26)
#define X86_FEATURE_LFENCE_RDTSC	( 3 * 32 + 18)
#define X86_FEATURE_ALWAYS		( 3 * 32 + 21)
#define X86_FEATURE_SMAP		( 9 * 32 + 20)
#define X86_FEATURE_ERMS		( 9 * 32 +  9)

/* The .altinstructions entry (struct alt_instr, packed); with
 * -DKP_ALT_FT_FLAGS the 6.3+ layout, whose u32 ft_flags makes it 14 bytes. */
#ifdef KP_ALT_FT_FLAGS
#define ALT_FEATURE_DIRECTIVE	" .long "
#else
#define ALT_FEATURE_DIRECTIVE	" .word "
#endif
struct alt_instr {
	s32 instr_offset;	/* original instruction */
	s32 repl_offset;	/* offset to replacement instruction */
#ifdef KP_ALT_FT_FLAGS
	u32 ft_flags;		/* feature bit and flags */
#else
	u16 cpuid;		/* cpuid bit set for replacement */
#endif
	u8  instrlen;		/* length of original instruction */
	u8  replacementlen;	/* length of new instruction */
} __packed;

#define b_replacement(num)	"664"#num
#define e_replacement(num)	"665"#num
#define alt_end_marker		"663"
#define alt_slen		"662b-661b"
#define alt_total_slen		alt_end_marker"b-661b"
#define alt_rlen(num)		e_replacement(num)"f-"b_replacement(num)"f"

/* The original instruction, padded with nops to the replacement's length. */
#define OLDINSTR(oldinstr, num)						\
	"# ALT: oldnstr\n"						\
	"661:\n\t" oldinstr "\n662:\n"					\
	"# ALT: padding\n"						\
	".skip -(((" alt_rlen(num) ")-(" alt_slen ")) > 0) * "		\
		"((" alt_rlen(num) ")-(" alt_slen ")),0x90\n"		\
	alt_end_marker ":\n"

#define ALTINSTR_ENTRY(feature, num)					\
	" .long 661b - .\n"						\
	" .long " b_replacement(num)"f - .\n"				\
	ALT_FEATURE_DIRECTIVE __stringify(feature) "\n"			\
	" .byte " alt_total_slen "\n"					\
	" .byte " alt_rlen(num) "\n"

#define ALTINSTR_REPLACEMENT(newinstr, num)				\
	"# ALT: replacement " #num "\n"					\
	b_replacement(num)":\n\t" newinstr "\n" e_replacement(num) ":\n"

#define ALTERNATIVE(oldinstr, newinstr, feature)			\
	OLDINSTR(oldinstr, 1)						\
	".pushsection .altinstructions,\"a\"\n"				\
	ALTINSTR_ENTRY(feature, 1)					\
	".popsection\n"							\
	".pushsection .altinstr_replacement, \"ax\"\n"			\
	ALTINSTR_REPLACEMENT(newinstr, 1)				\
	".popsection\n"

#define alternative(oldinstr, newinstr, feature)			\
	asm_inline volatile(ALTERNATIVE(oldinstr, newinstr, feature) : : : "memory")

#define __ASM_CLAC	".byte 0x0f,0x01,0xca"
#define __ASM_STAC	".byte 0x0f,0x01,0xcb"

static __always_inline void clac(void)
{
	alternative("", __ASM_CLAC, X86_FEATURE_SMAP);
}

static __always_inline void stac(void)
{
	alternative("", __ASM_STAC, X86_FEATURE_SMAP);
}

#define barrier_nospec() alternative("", "lfence", X86_FEATURE_LFENCE_RDTSC)

/*
 * A user read with its exception table entry, the way 6.1's
 * __get_user_asm() does it (asm goto: a fault jumps to the label).
 */
#define get_user_u32(val, uptr, efault_label)				\
	asm_volatile_goto("1:	movl %1, %0\n"				\
			  _ASM_EXTABLE_UA(1b, %l2)			\
			  : "=r" (val)					\
			  : "m" (*(const u32 *)(uptr))			\
			  : : efault_label)

/* --------------------------------------------------------- SMP lock prefix */

/* Every lock prefix is listed in .smp_locks (s32, relative). */
#define LOCK_PREFIX_HERE						\
	".pushsection .smp_locks,\"a\"\n"				\
	".balign 4\n"							\
	".long 671f - .\n"						\
	".popsection\n"							\
	"671:"

#define LOCK_PREFIX LOCK_PREFIX_HERE "\n\tlock; "

static __always_inline void atomic_inc(atomic_t *v)
{
	asm volatile(LOCK_PREFIX "incl %0" : "+m" (v->counter) : : "memory");
}

static __always_inline void atomic_dec(atomic_t *v)
{
	asm volatile(LOCK_PREFIX "decl %0" : "+m" (v->counter) : : "memory");
}

static __always_inline int atomic_read(const atomic_t *v)
{
	return READ_ONCE(v->counter);
}

static __always_inline int atomic_add_return(int i, atomic_t *v)
{
	int old = i;

	asm volatile(LOCK_PREFIX "xaddl %0, %1"
		     : "+r" (old), "+m" (v->counter) : : "memory", "cc");
	return old + i;
}

/* -------------------------------------------------------------- jump labels */

struct jump_entry;
struct static_key {
	atomic_t enabled;		/* > 0: the branch is taken */
	union {
		unsigned long type;	/* JUMP_TYPE_* in the low bits */
		struct jump_entry *entries;
	};
};

struct static_key_true {
	struct static_key key;
};

struct static_key_false {
	struct static_key key;
};

#define JUMP_TYPE_FALSE		0UL
#define JUMP_TYPE_TRUE		1UL

#define STATIC_KEY_INIT_TRUE	{ .enabled = { 1 }, { .type = JUMP_TYPE_TRUE } }
#define STATIC_KEY_INIT_FALSE	{ .enabled = { 0 }, { .type = JUMP_TYPE_FALSE } }
#define STATIC_KEY_TRUE_INIT	(struct static_key_true) { .key = STATIC_KEY_INIT_TRUE, }
#define STATIC_KEY_FALSE_INIT	(struct static_key_false) { .key = STATIC_KEY_INIT_FALSE, }

#define DEFINE_STATIC_KEY_TRUE(name)	struct static_key_true name = STATIC_KEY_TRUE_INIT
#define DEFINE_STATIC_KEY_FALSE(name)	struct static_key_false name = STATIC_KEY_FALSE_INIT
#define DECLARE_STATIC_KEY_TRUE(name)	extern struct static_key_true name
#define DECLARE_STATIC_KEY_FALSE(name)	extern struct static_key_false name

/* The __jump_table entry {s32 code; s32 target; s64 key (low bit: branch)}. */
#define JUMP_TABLE_ENTRY						\
	".pushsection __jump_table,  \"aw\" \n\t"			\
	_ASM_ALIGN "\n\t"						\
	".long 1b - . \n\t"						\
	".long %l[l_yes] - . \n\t"					\
	_ASM_PTR "%c0 + %c1 - .\n\t"					\
	".popsection \n\t"

/* As objtool leaves it: a 5-byte nop that becomes a jmp when enabled. */
static __always_inline bool arch_static_branch(struct static_key * const key,
					       const bool branch)
{
	asm_volatile_goto("1:"
		".byte 0x0f,0x1f,0x44,0x00,0x00\n\t"
		JUMP_TABLE_ENTRY
		: : "i" (key), "i" (branch) : : l_yes);

	return false;
l_yes:
	return true;
}

static __always_inline bool arch_static_branch_jump(struct static_key * const key,
						    const bool branch)
{
	asm_volatile_goto("1:"
		"jmp %l[l_yes]\n\t"
		JUMP_TABLE_ENTRY
		: : "i" (key), "i" (branch) : : l_yes);

	return false;
l_yes:
	return true;
}

#define static_branch_likely(x)						\
({									\
	bool branch;							\
	if (__builtin_types_compatible_p(__typeof__(*x), struct static_key_true)) \
		branch = !arch_static_branch(&(x)->key, true);		\
	else								\
		branch = !arch_static_branch_jump(&(x)->key, true);	\
	likely(branch);							\
})

#define static_branch_unlikely(x)					\
({									\
	bool branch;							\
	if (__builtin_types_compatible_p(__typeof__(*x), struct static_key_true)) \
		branch = arch_static_branch_jump(&(x)->key, false);	\
	else								\
		branch = arch_static_branch(&(x)->key, false);		\
	unlikely(branch);						\
})

/* ------------------------------------------------------------- static calls */

struct static_call_site {
	s32 addr;		/* the call or jmp, relative */
	s32 key;		/* the key, relative; low bits STATIC_CALL_SITE_* */
};

#define STATIC_CALL_SITE_TAIL	1UL

struct static_call_key {
	void *func;		/* current target */
	union {
		unsigned long type;	/* bit 0: 0 = mods, 1 = sites */
		struct static_call_site *sites;
	};
};

#define STATIC_CALL_KEY(name)		__PASTE(__SCK__, name)
#define STATIC_CALL_TRAMP(name)		__PASTE(__SCT__, name)
#define STATIC_CALL_KEY_STR(name)	__stringify(STATIC_CALL_KEY(name))
#define STATIC_CALL_TRAMP_STR(name)	__stringify(STATIC_CALL_TRAMP(name))

#define DECLARE_STATIC_CALL(name, func)					\
	extern struct static_call_key STATIC_CALL_KEY(name);		\
	extern __typeof__(func) STATIC_CALL_TRAMP(name);

/* The trampoline: "jmp func" in .static_call.text, patched at run time. */
#define ARCH_DEFINE_STATIC_CALL_TRAMP(name, func)			\
	asm(".pushsection .static_call.text, \"ax\"		\n"	\
	    ".align 4						\n"	\
	    ".globl " STATIC_CALL_TRAMP_STR(name) "		\n"	\
	    STATIC_CALL_TRAMP_STR(name) ":			\n"	\
	    ".byte 0xe9; .long " #func " - (. + 4)		\n"	\
	    ".byte 0x0f, 0xb9, 0xcc				\n"	\
	    ".type " STATIC_CALL_TRAMP_STR(name) ", @function	\n"	\
	    ".size " STATIC_CALL_TRAMP_STR(name) ", . - "		\
		STATIC_CALL_TRAMP_STR(name) " \n"			\
	    ".popsection					\n")

#define DEFINE_STATIC_CALL(name, _func)					\
	DECLARE_STATIC_CALL(name, _func);				\
	struct static_call_key STATIC_CALL_KEY(name) = {		\
		.func = _func,						\
		.type = 1,						\
	};								\
	ARCH_DEFINE_STATIC_CALL_TRAMP(name, _func)

/*
 * A direct call of the trampoline; build.sh's objtool-lite pass records
 * each "call __SCT__name" / "jmp __SCT__name" in .static_call_sites.
 */
#define static_call(name)						\
({									\
	__ADDRESSABLE(STATIC_CALL_KEY(name))				\
	(&STATIC_CALL_TRAMP(name));					\
})

/* --------------------------------------------------------------- lockdep */

struct lock_class_key {
	char dummy;		/* lockdep keys are compared by address */
};

struct mutex {
	atomic_t owner;		/* owner task and flags */
	const char *name;	/* for lockdep */
};

extern void __mutex_init(struct mutex *lock, const char *name,
			 struct lock_class_key *key);
extern void mutex_lock(struct mutex *lock);
extern void mutex_unlock(struct mutex *lock);

/* One "static struct lock_class_key __key" per init site. */
#define mutex_init(mutex)						\
do {									\
	static struct lock_class_key __key;				\
									\
	__mutex_init((mutex), #mutex, &__key);				\
} while (0)

#endif /* KERNEL_LITE_H */
