" Vim filetype detection for amiscript (editors/vim/ftdetect/amiscript.vim)
" Scripts end in .ami; an executable script may have no extension but starts with a
" '#!' line naming amiscript ('#!/usr/bin/env amiscript', '#!/usr/local/bin/amiscript').

autocmd BufNewFile,BufRead *.ami setfiletype amiscript

" The '#!' line is checked after Vim's own guesses (its scripts.vim runs earlier, and an
" unknown file starting with '#' would become 'conf'), so it overrides them.
autocmd BufNewFile,BufRead * if getline(1) =~# '^#!.*\<amiscript\>' && &filetype !=# 'amiscript' | set filetype=amiscript | endif
