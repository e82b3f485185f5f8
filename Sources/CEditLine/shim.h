// libedit (Debian: libedit-dev), through its readline-compatible interface: line
// editing with emacs keys, the callback interface (so events can be printed while a
// line is being typed), completion.
#include <stdio.h>
#include <editline/readline.h>

// readline's state lives in C globals, which Swift 6 will not touch directly (they are
// shared mutable state); these accessors are the one place that does.
static inline void amiscript_rl_setup(const char *name, char *word_breaks, rl_completion_func_t *complete) {
    rl_readline_name = name;
    rl_completer_word_break_characters = word_breaks;
    rl_attempted_completion_function = complete;
    rl_catch_signals = 0;
}
static inline int amiscript_rl_point(void) { return rl_point; }
static inline void amiscript_rl_set_point(int point) { rl_point = point; }
static inline int amiscript_rl_end(void) { return rl_end; }
static inline const char *amiscript_rl_line_buffer(void) { return rl_line_buffer; }
static inline void amiscript_rl_completion_over(void) { rl_attempted_completion_over = 1; }
static inline void amiscript_rl_set_append_character(int character) { rl_completion_append_character = character; }
