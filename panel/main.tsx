import { render } from "preact";

render(<div>SSE</div>, document.getElementById("app") as HTMLElement);
