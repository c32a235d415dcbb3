/**
 * The part of Electron's API that Vigil uses, typed for the typecheck.
 * Why: the electron package's postinstall downloads its binary, which cannot
 * happen on offline build machines, so the package (and its bundled types)
 * may be absent. tsconfig maps 'electron' here; signatures follow Electron 45.
 */
export interface WebContents {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  id: number;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
  on(event: 'will-navigate' | 'will-attach-webview', listener: (event: { preventDefault(): void }, url: string) => void): this;
  on(event: 'did-finish-load', listener: () => void): this;
  getURL(): string;
  readonly mainFrame: WebFrameMain;
}

export interface WebFrameMain {
  url: string;
}

export interface PermissionRequest {
  requestingUrl: string;
  isMainFrame: boolean;
}
export interface MediaAccessPermissionRequest extends PermissionRequest {
  mediaTypes?: Array<'video' | 'audio'>;
}
export interface PermissionCheckHandlerHandlerDetails {
  requestingUrl?: string;
  isMainFrame: boolean;
  mediaType?: 'video' | 'audio' | 'unknown';
}

export declare const session: {
  defaultSession: {
    setPermissionRequestHandler(
      handler: ((webContents: WebContents, permission: string, callback: (permissionGranted: boolean) => void, details: PermissionRequest | MediaAccessPermissionRequest) => void) | null,
    ): void;
    setPermissionCheckHandler(
      handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string, details: PermissionCheckHandlerHandlerDetails) => boolean) | null,
    ): void;
  };
};

export interface CustomScheme {
  scheme: string;
  privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean; stream?: boolean; bypassCSP?: boolean };
}

export declare const protocol: {
  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
};

export interface IpcMainInvokeEvent {
  sender: WebContents;
  senderFrame: WebFrameMain | null;
}

export interface IpcRendererEvent {
  sender: unknown;
}

export interface BrowserWindowConstructorOptions {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  title?: string;
  show?: boolean;
  backgroundColor?: string;
  autoHideMenuBar?: boolean;
  webPreferences?: {
    preload?: string;
    contextIsolation?: boolean;
    nodeIntegration?: boolean;
    sandbox?: boolean;
    webSecurity?: boolean;
    devTools?: boolean;
  };
}

export declare class BrowserWindow {
  constructor(options?: BrowserWindowConstructorOptions);
  webContents: WebContents;
  loadURL(url: string): Promise<void>;
  loadFile(path: string, options?: { query?: Record<string, string> }): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'closed', listener: () => void): this;
  show(): void;
  isDestroyed(): boolean;
  static getAllWindows(): BrowserWindow[];
}

export declare const app: {
  whenReady(): Promise<void>;
  on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: (event: { preventDefault(): void }) => void): void;
  quit(): void;
  getPath(name: 'userData' | 'home' | 'temp'): string;
  getVersion(): string;
  isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  /** Every process of the app: type 'Browser' (main), 'Tab', 'GPU', 'Utility', ... */
  getAppMetrics(): Array<{ pid: number; type: string }>;
};

export declare const ipcMain: {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
};

export declare const ipcRenderer: {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): void;
};

export declare const contextBridge: {
  exposeInMainWorld(apiKey: string, api: unknown): void;
};

export declare const safeStorage: {
  getSelectedStorageBackend(): 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
};

export declare const shell: {
  openExternal(url: string): Promise<void>;
};

export interface OpenDialogOptions {
  title?: string;
  properties?: Array<'openFile' | 'openDirectory' | 'multiSelections' | 'showHiddenFiles'>;
}

export interface OpenDialogReturnValue {
  canceled: boolean;
  filePaths: string[];
}

export declare const dialog: {
  showErrorBox(title: string, content: string): void;
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
};
