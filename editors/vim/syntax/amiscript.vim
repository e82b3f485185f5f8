" Vim syntax file
" Language:     amiscript (Expect-style scripts for the Asterisk Manager Interface)
" Filenames:    *.ami, or a first line '#!/usr/bin/env amiscript'
" Reference:    docs/language.md of the amiscript project
"
" The language is line oriented: a statement ends at a line end or ';'. '#' starts a
" comment outside strings and regex literals. "double" strings interpolate $name,
" ${name.Field}, ${list[0]} and $1; 'single' strings are raw. A '/' starts a regex
" literal only where a pattern is expected: after expect/expect_before/expect_after
" (and their -timeout N), as an expect branch (first thing on a line, or after '{' or
" ';'), and after =~ / !~. Elsewhere '/' is division.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" Operators first: the regex literal and the options below are defined later, so they
" win where they start at the same column ('/' of a regex, '-' of -timeout).
syn match amiscriptOperator /=\~\|!\~\|==\|!=\|<=\|>=\|&&\|||\|\.\.\|[<>+*\/%!-]/

" Statements (each starts a statement). 'set', 'for' and 'proc' are matched together
" with the name that follows them, further down.
syn keyword amiscriptStatement print send_user send_error connect send expect
syn keyword amiscriptStatement expect_before expect_after exp_continue login action
syn keyword amiscriptStatement command close return sleep exit log_user log_file
syn keyword amiscriptStatement break continue
syn keyword amiscriptConditional if elif else
syn keyword amiscriptRepeat while in
" Words with a meaning inside one statement: connect HOST PORT tls, login ... md5,
" events on|off, log_user on|off, expect event NAME where EXPR.
syn keyword amiscriptKeyword where event tls events on off
" md5 is also a built-in function: md5(...) is matched as the built-in below.
syn match amiscriptKeyword /\<md5\>\%(\s*(\)\@!/
" Expect branches without a pattern. Matches (not keywords) so that 'set timeout 5'
" can still show 'timeout' as the variable it is.
syn match amiscriptLabel /\<\%(timeout\|eof\|default\)\>/
syn keyword amiscriptBoolean true false
syn keyword amiscriptConstant nil

" Options: expect -timeout N, send -raw.
syn match amiscriptOption /\%([[:alnum:]_$)\]-]\)\@1<!-\%(timeout\|raw\)\>/

" set NAME, for NAME in, proc NAME(...): the keyword and the name as one match, so a
" name that is also a keyword ('set timeout', 'set event') is shown as a name.
syn match amiscriptDeclaration /\<\%(set\|for\)\s\+\h\w*/ contains=amiscriptDeclKeyword,amiscriptDeclRepeat,amiscriptDeclName
syn match amiscriptDeclaration /\<proc\s\+\h\w*/ contains=amiscriptDeclKeyword,amiscriptProcName
syn keyword amiscriptDeclKeyword set proc contained
syn keyword amiscriptDeclRepeat for contained
syn match amiscriptDeclName /\%(\<\%(set\|for\)\s\+\)\@<=\h\w*/ contained
syn match amiscriptProcName /\%(\<proc\s\+\)\@<=\h\w*/ contained

" action NAME, expect event NAME, and the Name=VALUE headers of an action.
syn match amiscriptActionName /\%(\<action\s\+\)\@<=\h[[:alnum:]_-]*/
syn match amiscriptEventName /\%(\<event\s\+\)\@<=[[:alnum:]_-]\+/
syn match amiscriptHeaderName /\<\h[[:alnum:]_-]*\ze=\%([^=~]\|$\)/

" Built-in functions (called as name(...)).
syn match amiscriptBuiltin /\<\%(len\|int\|num\|str\|upper\|lower\|trim\|split\|join\|contains\|replace\|keys\|env\|now\|md5\|urldecode\|secret\|json\|parse_json\)\ze\s*(/

" Numbers: 5, 2.5. A number glued to letters, '@' or more dots is a bare word
" (127.0.0.1, 123@default, 5038x) and is not highlighted.
syn match amiscriptNumber /\%(@\|\w\.\)\@2<!\<\d\+\%(\.\d\+\)\=\>\%(@\|\.\w\)\@!/

" Variables outside strings: $name, $name.Field.Field, ${name.Field}, ${list[0]},
" captures $0..$99. An index [..] is an expression and is highlighted as one.
syn match amiscriptVariable /\$\h\w*\%(\.\w\+\)*/
syn match amiscriptVariable /\${[^}]*}/
" Variables the interpreter sets: $argv $argc $argv0, $response $events $event $output
" (actions), $banner $ami_version (connect), $before and $0..$99 (matches), and the
" settings $timeout $match_max.
syn match amiscriptSpecialVariable /\$\%(argv0\|argv\|argc\|response\|events\|event\|output\|banner\|ami_version\|before\|timeout\|match_max\)\>\%(\.\w\+\)*/
syn match amiscriptSpecialVariable /\${\%(argv0\|argv\|argc\|response\|events\|event\|output\|banner\|ami_version\|before\|timeout\|match_max\|\d\d\=\)\>[^}]*}/
syn match amiscriptSpecialVariable /\$\d\d\=/

" "double" strings: escapes and interpolation. Any other backslash escape is an error
" in the language, so it is shown as one. A string ends on its line.
syn region amiscriptString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=amiscriptEscapeError,amiscriptEscape,amiscriptInterpolation,@Spell
syn match amiscriptEscapeError /\\./ contained
syn match amiscriptEscape /\\\%([nrt\\"$]\|x\x\x\|u{\x\+}\)/ contained
syn match amiscriptInterpolation /\$\%(\h\w*\|\d\d\=\|{[^}]*}\)/ contained

" 'single' strings are raw: only \' and \\ are escapes, no interpolation.
syn region amiscriptSingleString start=+'+ skip=+\\\\\|\\'+ end=+'+ end=+$+ contains=amiscriptSingleEscape,@Spell
syn match amiscriptSingleEscape /\\[\\']/ contained

" Regex literals /.../flags (flags i s m x), where a pattern is expected. Inside, \/ is
" a slash and ${name} inserts a variable's value as literal text; a bare $ is an anchor.
syn region amiscriptRegex start=+\%(\%(^\|[{;]\)\s*\|[=!]\~\s*\|\<expect\%(_before\|_after\)\=\s\+\%(-timeout\s\+\S\+\s\+\)\=\)\@80<=/+ skip=+\\\\\|\\/+ end=+/[ismx]*+ end=+$+ contains=amiscriptRegexEscape,amiscriptRegexInterpolation
syn match amiscriptRegexEscape /\\./ contained
syn match amiscriptRegexInterpolation /\${[^}]*}/ contained

" Comments: '#' to the end of the line (the '#!' first line too).
syn keyword amiscriptTodo TODO FIXME XXX NOTE contained
syn match amiscriptComment /#.*$/ contains=amiscriptTodo,@Spell

" A '\' at the end of a line continues the statement.
syn match amiscriptLineContinuation /\\$/

hi def link amiscriptStatement          Statement
hi def link amiscriptDeclKeyword        Statement
hi def link amiscriptDeclRepeat         Repeat
hi def link amiscriptConditional        Conditional
hi def link amiscriptRepeat             Repeat
hi def link amiscriptKeyword            Keyword
hi def link amiscriptLabel              Label
hi def link amiscriptBoolean            Boolean
hi def link amiscriptConstant           Constant
hi def link amiscriptOption             Special
hi def link amiscriptOperator           Operator
hi def link amiscriptDeclName           Identifier
hi def link amiscriptProcName           Function
hi def link amiscriptActionName         Type
hi def link amiscriptEventName          Type
hi def link amiscriptHeaderName         Type
hi def link amiscriptBuiltin            Function
hi def link amiscriptNumber             Number
hi def link amiscriptVariable           Identifier
hi def link amiscriptSpecialVariable    Special
hi def link amiscriptString             String
hi def link amiscriptEscape             SpecialChar
hi def link amiscriptEscapeError        Error
hi def link amiscriptInterpolation      Identifier
hi def link amiscriptSingleString       String
hi def link amiscriptSingleEscape       SpecialChar
hi def link amiscriptRegex              String
hi def link amiscriptRegexEscape        SpecialChar
hi def link amiscriptRegexInterpolation Identifier
hi def link amiscriptComment            Comment
hi def link amiscriptTodo               Todo
hi def link amiscriptLineContinuation   Special

let b:current_syntax = 'amiscript'

let &cpo = s:cpo_save
unlet s:cpo_save
