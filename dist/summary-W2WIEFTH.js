import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import{a as o,c as a}from"./chunk-46J4JZZF.js";import"./chunk-Y67ANFVY.js";import{s as d}from"./chunk-UJVCRHVG.js";import"./chunk-ZSKCARZ6.js";import"./chunk-O257AETO.js";import"./chunk-JIAG4PFQ.js";var p=1024*1024-64*1024,u=50,h={deployed:":white_check_mark: deployed",built:":white_check_mark: built","spec-ready":":white_check_mark: SPEC ready","needs-human-review":":warning: needs human review",failed:":x: failed"},g=n=>n.replace(/\|/g,"\\|").replace(/\r?\n/g," ");function l(n,e){return[`| ${n.join(" | ")} |`,`| ${n.map(()=>"---").join(" | ")} |`,...e.map(t=>`| ${t.map(g).join(" | ")} |`)].join(`
`)}function c(n,e){return n>e?`

…and ${n-e} more.`:""}function w(n){let{result:e}=n,t=[];t.push(`## Assembly Line: ${e.service} — ${h[e.status]}`),t.push(g(e.message));let s=e.tests,m=[["command",`\`${n.command}\` ${n.intent}`],["service URL",e.serviceUrl],["release",e.releaseId],["serving after the failure",e.deploy?.serving?`${e.deploy.serving.releaseId} at ${e.deploy.serving.url}`:void 0],["SPEC score",e.score!==void 0?`${e.score} / 100`:void 0],["tests",s?`${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped`:void 0],["coverage",e.coverage!==void 0&&e.coverage!==null?`${e.coverage}%`:void 0],["pyflakes",s||e.lint.length>0?`${e.lint.length} finding(s)`:void 0],["approval mode",e.approvalMode],["GitHub Deployment",n.deployment?`${n.environment}: ${n.deployment}`:void 0],["model cost",`$${e.costUsd.toFixed(4)}`]];if(t.push(l(["",""],m.filter(r=>r[1]!==void 0).map(([r,i])=>[`**${r}**`,i]))),n.timings.length>0){let r=n.timings.reduce((i,f)=>i+f.durationMs,0);t.push(`### Phases (${a(r)})`),t.push(l(["phase","outcome","time","detail"],n.timings.map(i=>[i.phase,i.outcome,a(i.durationMs),i.detail??""])))}if(s&&s.failing.length>0){t.push("### Failing tests");let r=s.failing.slice(0,u);t.push(l(["test","where","outcome"],r.map(i=>[`\`${i.name}\``,i.file?`${i.file}${o(i)?`:${o(i)}`:""}`:"",i.outcome]))+c(s.failing.length,r.length))}if(e.lint.length>0){t.push("### pyflakes findings");let r=e.lint.slice(0,u);t.push(l(["where","message"],r.map(i=>[`${i.file}:${i.line}${i.col?`:${i.col}`:""}`,i.message]))+c(e.lint.length,r.length))}return e.udc&&(t.push(`### UDC verification (${e.udc.rows.filter(r=>r.ok).length}/${e.udc.rows.length})`),t.push(d(e.udc).trimEnd())),e.deploy?.logTail&&t.push(`<details><summary>Log tail of release ${e.releaseId??""}</summary>

\`\`\`
${e.deploy.logTail.replace(/```/g,"'''")}
\`\`\`

</details>`),$(`${t.join(`

`)}
`)}function $(n,e=p){if(Buffer.byteLength(n)<=e)return n;let t=`

…the summary was cut to fit GitHub’s 1 MiB limit.
`,s=n.slice(0,e-Buffer.byteLength(t));for(;Buffer.byteLength(s)>e-Buffer.byteLength(t);)s=s.slice(0,-1024);return`${s.slice(0,s.lastIndexOf(`
`))}${t}`}export{p as SUMMARY_LIMIT_BYTES,$ as fitSummary,w as renderSummary};
