/* mkdocs-material 9.8's inline head script (partials/javascripts/base.html), as a file so that the
 * site's Content-Security-Policy needs no inline scripts (deploy/nginx/board.conf). One change:
 * the scope (the site's root, which prefixes every stored setting) comes from this file's own
 * address, <root>/assets/board/boot.<hash>.js, rather than from the page's base_url.
 * Then the reader's font size, set before the first paint so a page never flashes small, and the
 * mark that scripts run (board-js: the reading settings fold behind one button). */
__md_scope=new URL("../../",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}};
document.documentElement.classList.add("board-js");
try{var s=__md_get("__board_size");if(s==="l"||s==="xl")document.documentElement.setAttribute("data-board-size",s)}catch(e){}
