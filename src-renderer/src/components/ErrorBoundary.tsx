import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What failed, in words: "The Live tab". */
  area: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/** Keeps one broken tab from blanking the whole console. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`[vigil] ${this.props.area} crashed`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="panel crash" role="alert">
        <h2>{this.props.area} stopped working</h2>
        <p>The rest of Vigil still works. The problem was: {error.message || error.name}</p>
        <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
